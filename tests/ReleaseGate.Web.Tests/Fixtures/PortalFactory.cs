using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Tests;

/// <summary>The real portal in-process, on its own SQLite file, configured as an operator would: by settings.</summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "Admin-pass-1";

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"rg-web-{Guid.NewGuid():N}.db");
    public Dictionary<string, string?> Settings { get; } = new();
    /// <summary>Leave the database file behind on dispose, for a test that starts the portal again on it.</summary>
    public bool KeepDatabase { get; set; }

    public PortalFactory()
    {
        Settings["ReleaseGate:Database:ConnectionString"] = $"Data Source={DatabasePath}";
        Settings["ReleaseGate:Admin:Email"] = AdminEmail;
        Settings["ReleaseGate:Admin:Password"] = AdminPassword;
        // The project's own engine (scripts/infra.sh), never whatever else the machine runs.
        Settings["ReleaseGate:TestEnvironment:DockerHost"] = Infra.DockerHost;
        Settings["ReleaseGate:Swarm:DockerHost"] = Infra.DockerHost;
    }

    private readonly List<Action<IServiceCollection>> replacements = [];

    /// <summary>Swaps a port for a scripted one, for tests of what the portal does when that part misbehaves.</summary>
    public void Replace<T>(T instance) where T : class => replacements.Add(s => s.AddSingleton(instance));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => replacements.ForEach(r => r(services)));
    }

    /// <summary>A local account with the given roles, as an admin would create it.</summary>
    public async Task CreateUserAsync(string email, params string[] roles)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ReleaseGate.Core.Users.PortalUser>>();
        var user = new ReleaseGate.Core.Users.PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, "Test-pass-123");
        if (!created.Succeeded) throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
        if (roles.Length > 0) await users.AddToRolesAsync(user, roles);
    }

    public ReleaseGateDb CreateDb() => Services.GetRequiredService<IDbContextFactory<ReleaseGateDb>>().CreateDbContext();

    public HttpClient CreateBrowserLikeClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        if (KeepDatabase) return;
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
            if (File.Exists(file)) File.Delete(file);
    }
}
