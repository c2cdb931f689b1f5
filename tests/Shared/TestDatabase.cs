using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Testing;

/// <summary>
/// A real SQLite file built by the project's own migrations: the one database fixture of the Core and Web
/// tests (linked into both), so a test sees the schema production gets.
/// </summary>
public sealed class TestDatabase : IDbContextFactory<ReleaseGateDb>, IDisposable, IAsyncDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"rg-test-{Guid.NewGuid():N}.db");
    private readonly DbContextOptions<ReleaseGateDb> options;

    public TestDatabase()
    {
        options = new DbContextOptionsBuilder<ReleaseGateDb>()
            .UseSqlite($"Data Source={path}", o => o.MigrationsAssembly("ReleaseGate.Migrations")).Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public static Task<TestDatabase> CreateAsync() => Task.Run(() => new TestDatabase());

    public ReleaseGateDb CreateDbContext() => new(options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
