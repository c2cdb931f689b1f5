using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReleaseGate.Core.Data;

namespace ReleaseGate.E2E;

/// <summary>The portal on a real loopback socket, and Debian's Chromium driven by Playwright.</summary>
public class LivePortal : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "Admin-pass-1";

    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"rg-e2e-{Guid.NewGuid():N}.db");
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;

    public LivePortal() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ReleaseGate:Database:ConnectionString", $"Data Source={databasePath}");
        builder.UseSetting("ReleaseGate:Admin:Email", AdminEmail);
        builder.UseSetting("ReleaseGate:Admin:Password", AdminPassword);
        builder.UseSetting("ReleaseGate:Swarm:DockerHost",
            Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/lib/releasegate-infra/docker.sock");
        builder.UseSetting("ReleaseGate:TestEnvironment:DockerHost",
            Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/lib/releasegate-infra/docker.sock");
    }

    public virtual async ValueTask InitializeAsync()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.Replace("[::]", "127.0.0.1"));
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("RG_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public ReleaseGateDb CreateDb() => Services.GetRequiredService<IDbContextFactory<ReleaseGateDb>>().CreateDbContext();

    /// <summary>A fresh browser context (its own cookies), signed in through the real form.</summary>
    public async Task<IPage> SignedInPageAsync(string email = AdminEmail, string password = AdminPassword, string? locale = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Address.ToString(), Locale = locale });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        return page;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
            if (File.Exists(file)) File.Delete(file);
    }

    /// <summary>With RG_SHOTS set, the page is kept as a PNG there for a person to look at.</summary>
    public static async Task ShotAsync(Microsoft.Playwright.IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("RG_SHOTS") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new Microsoft.Playwright.PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }
}
