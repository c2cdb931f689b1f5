using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

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
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
