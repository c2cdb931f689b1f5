using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

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
        Browser = await LaunchChromiumAsync(playwright);
    }

    /// <summary>Debian's Chromium, headless, with nothing of its own talking to the network.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Environment.GetEnvironmentVariable("RG_CHROMIUM") ?? "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
    });

    public ReleaseGateDb CreateDb() => Services.GetRequiredService<IDbContextFactory<ReleaseGateDb>>().CreateDbContext();

    /// <summary>A fresh browser context (its own cookies), signed in through the real form.</summary>
    public Task<IPage> SignedInPageAsync(string email = AdminEmail, string password = AdminPassword, string? locale = null) =>
        SignedInPageAsync(Browser, Address, email, password, locale);

    /// <summary>The same, on any portal address (a proxy in front of replicas, say).</summary>
    /// <summary>The admin's page at <paramref name="path"/>, once its circuit is live.</summary>
    public async Task<IPage> SignedInAtAsync(string path, string? locale = null)
    {
        var page = await SignedInPageAsync(locale: locale);
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        return page;
    }

    public static async Task<IPage> SignedInPageAsync(IBrowser browser, Uri address, string email, string password, string? locale = null)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString(), Locale = locale });
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

    /// <summary>A candidate's page, once its circuit is interactive.</summary>
    public static async Task OpenAsync(IPage page, Guid candidateId)
    {
        await page.GotoAsync($"/candidates/{candidateId}");
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
    }

    /// <summary>A confirmed user with <paramref name="role"/> and <paramref name="password"/>; nothing happens if the email has an account.</summary>
    public async Task CreateUserAsync(string email, string? role, string password)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByEmailAsync(email) is not null) return;
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        if (role is not null) Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
    }

    /// <summary>With RG_SHOTS set, the page is kept as a PNG there for a person to look at.</summary>
    public static async Task ShotAsync(Microsoft.Playwright.IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("RG_SHOTS") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new Microsoft.Playwright.PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }
}
