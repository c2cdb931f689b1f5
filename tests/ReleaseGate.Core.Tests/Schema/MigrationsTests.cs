using Microsoft.EntityFrameworkCore;

namespace ReleaseGate.Core.Tests.Schema;

/// <summary>Both migrations projects build the schema of the one model: nothing is missing from either twin.</summary>
public class MigrationsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_migrations_apply_and_leave_no_pending_model_changes(bool postgres)
    {
        await using var dbs = await TestDatabase.CreateAsync(postgres);
        await using var db = dbs.CreateDbContext();
        Assert.Equal(postgres ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite", db.Database.ProviderName);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.False(db.Database.HasPendingModelChanges());
        Assert.Equal(0, await db.Candidates.CountAsync(TestContext.Current.CancellationToken));
    }
}
