using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Testing;

/// <summary>
/// A real database built by the project's own migrations: the one database fixture of the Core and Web
/// tests (linked into both), so a test sees the schema production gets. A SQLite file, or with
/// RG_TEST_DATABASE=Postgres a PostgreSQL database of its own (scripts/test.sh runs the Core tests both ways).
/// </summary>
public sealed class TestDatabase : IDbContextFactory<ReleaseGateDb>, IDisposable, IAsyncDisposable
{
    private readonly string? path;
    private readonly DbContextOptions<ReleaseGateDb> options;

    /// <summary>True when RG_TEST_DATABASE=Postgres: every TestDatabase of this run is a PostgreSQL one.</summary>
    public static bool PostgresByDefault => Environment.GetEnvironmentVariable("RG_TEST_DATABASE") == "Postgres";

    public TestDatabase() : this(PostgresByDefault)
    {
    }

    public TestDatabase(bool postgres)
    {
        if (postgres)
        {
            PostgresName = PostgresServer.CreateDatabase();
            options = PostgresServer.Options(PostgresServer.ConnectionString(PostgresName));
            return;
        }
        path = Path.Combine(Path.GetTempPath(), $"rg-test-{Guid.NewGuid():N}.db");
        options = new DbContextOptionsBuilder<ReleaseGateDb>()
            .UseSqlite($"Data Source={path}", o => o.MigrationsAssembly("ReleaseGate.Migrations")).Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    /// <summary>The PostgreSQL database's name (null on SQLite).</summary>
    public string? PostgresName { get; }

    public static Task<TestDatabase> CreateAsync() => Task.Run(() => new TestDatabase());

    public static Task<TestDatabase> CreateAsync(bool postgres) => Task.Run(() => new TestDatabase(postgres));

    public ReleaseGateDb CreateDbContext() => new(options);

    /// <summary>An enabled user with <paramref name="roles"/>, as an admin would have made them (roles created on first use).</summary>
    public TestDatabase WithUser(string userName, params string[] roles) => WithUser(userName, userName, roles);

    public TestDatabase WithUser(string userName, string email, string[] roles)
    {
        using var db = CreateDbContext();
        foreach (var role in roles.Where(r => !db.Roles.Any(x => x.Name == r)))
            db.Roles.Add(new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() });
        db.SaveChanges();
        // Idempotent, so a test may name the same person twice (signed in, and seeded).
        var user = db.Users.SingleOrDefault(u => u.NormalizedUserName == userName.ToUpperInvariant());
        if (user is null)
        {
            user = new PortalUser { UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant() };
            db.Users.Add(user);
        }
        var held = db.UserRoles.Where(ur => ur.UserId == user.Id).Select(ur => ur.RoleId).ToList();
        foreach (var role in roles.Where(r => !held.Contains(db.Roles.Single(x => x.Name == r).Id)))
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = db.Roles.Single(r => r.Name == role).Id });
        db.SaveChanges();
        return this;
    }

    public void Dispose()
    {
        if (PostgresName is not null)
        {
            PostgresServer.DropDatabase(PostgresName);
            return;
        }
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file!);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
