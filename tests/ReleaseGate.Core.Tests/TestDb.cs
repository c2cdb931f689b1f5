using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Tests;

/// <summary>A real SQLite database in a temp file, built by the project's own migrations.</summary>
public sealed class TestDb : IDbContextFactory<ReleaseGateDb>, IAsyncDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"rg-core-{Guid.NewGuid():N}.db");
    private readonly DbContextOptions<ReleaseGateDb> options;

    private TestDb()
    {
        options = new DbContextOptionsBuilder<ReleaseGateDb>()
            .UseSqlite($"Data Source={path}", o => o.MigrationsAssembly("ReleaseGate.Migrations"))
            .Options;
    }

    public static async Task<TestDb> CreateAsync()
    {
        var db = new TestDb();
        await using var context = db.CreateDbContext();
        await context.Database.MigrateAsync();
        return db;
    }

    public ReleaseGateDb CreateDbContext() => new(options);

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
        return ValueTask.CompletedTask;
    }
}
