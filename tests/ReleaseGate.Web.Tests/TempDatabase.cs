using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Tests;

/// <summary>A migrated SQLite file for tests that render components without the whole portal.</summary>
public sealed class TempDatabase : IDbContextFactory<ReleaseGateDb>, IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"rg-bunit-{Guid.NewGuid():N}.db");
    private readonly DbContextOptions<ReleaseGateDb> options;

    public TempDatabase()
    {
        options = new DbContextOptionsBuilder<ReleaseGateDb>()
            .UseSqlite($"Data Source={path}", o => o.MigrationsAssembly("ReleaseGate.Migrations")).Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public ReleaseGateDb CreateDbContext() => new(options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
    }
}
