using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;

namespace ReleaseGate.Web.Tests;

/// <summary>The built program run as an operator would: <c>dotnet ReleaseGate.Web.dll admin …</c> on the portal's database.</summary>
public sealed class AdminCommandLineTests : IDisposable
{
    private readonly PortalFactory portal = new();
    private readonly string workspace = Directory.CreateTempSubdirectory("rg-cli-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The Web project's own build output, of the configuration these tests were built in.</summary>
    internal static string Program => Path.Combine(ReadmeTests.RepoRoot(), "src", "ReleaseGate.Web", "bin",
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name, "net10.0", "ReleaseGate.Web.dll");

    private Task<(int Exit, string Out, string Err)> AdminAsync(params string[] args) => RunAsync(portal.DatabasePath, workspace, args);

    /// <summary><c>releasegate admin …</c> on the SQLite database at <paramref name="databasePath"/>.</summary>
    internal static async Task<(int Exit, string Out, string Err)> RunAsync(string databasePath, string workspace, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Program, "admin", .. args])
        {
            WorkingDirectory = workspace, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["ReleaseGate__Database__ConnectionString"] = $"Data Source={databasePath}";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task A_user_and_a_token_made_on_the_command_line_work_against_the_api()
    {
        var passwordFile = Path.Combine(workspace, "password");
        await File.WriteAllTextAsync(passwordFile, "Cli-pass-123\n", Ct);

        var user = await AdminAsync("create-user", "--email", "cli.qa@example.com", "--roles", "QA,ReleaseManager",
            "--display-name", "Cli QA", "--password-file", passwordFile);
        var token = await AdminAsync("create-token", "--email", "cli.qa@example.com", "--name", "ci", "--scopes", "read,sign-off", "--expires-days", "30");

        Assert.True(user.Exit == 0, user.Err);
        Assert.Equal("", user.Out);
        Assert.True(token.Exit == 0, token.Err);
        var secret = Assert.Single(token.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rgp_", secret);

        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var me = await client.GetAsync("/api/v1/me", Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(("cli.qa@example.com", "Cli QA"), (body.GetProperty("email").GetString(), body.GetProperty("displayName").GetString()));
        Assert.Equal(["QA", "ReleaseManager"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("/", SignIn.RedirectTarget(await SignIn.PostAsync(portal.CreateBrowserLikeClient(), "cli.qa@example.com", "Cli-pass-123")));

        await using var db = portal.CreateDb();
        var audit = await db.AuditEvents.Where(a => a.Actor == "cli").OrderBy(a => a.Sequence).ToListAsync(Ct);
        Assert.Equal(["user.created", "token.created"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(ActorKind.System, a.ActorKind));
    }

    [Fact]
    public async Task Reset_password_prints_a_new_one_and_disable_stops_the_token()
    {
        Assert.Equal(0, (await AdminAsync("create-user", "--email", "cli.leaver@example.com", "--roles", "QA")).Exit);
        var token = (await AdminAsync("create-token", "--email", "cli.leaver@example.com", "--name", "bot", "--scopes", "read")).Out.Trim();

        var reset = await AdminAsync("reset-password", "--email", "cli.leaver@example.com");
        var disabled = await AdminAsync("disable", "--email", "cli.leaver@example.com");

        Assert.Equal(0, reset.Exit);
        Assert.Equal(16, reset.Out.Trim().Length);
        Assert.Equal(0, disabled.Exit);
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task Wrong_usage_exits_2_and_a_refusal_exits_1_naming_the_option()
    {
        var missing = await AdminAsync("create-token", "--name", "ci");
        var unknownCommand = await AdminAsync("promote-everything");
        var nobody = await AdminAsync("create-token", "--email", "nobody@example.com", "--name", "ci", "--scopes", "read");
        var badRole = await AdminAsync("create-user", "--email", "cli.bad@example.com", "--roles", "Superuser");

        Assert.Equal(2, missing.Exit);
        Assert.Contains("--email", missing.Err);
        Assert.Equal(2, unknownCommand.Exit);
        Assert.Equal(1, nobody.Exit);
        Assert.Contains("--email", nobody.Err);
        Assert.Equal(1, badRole.Exit);
        Assert.Contains("--roles", badRole.Err);
        Assert.Equal("", nobody.Out + badRole.Out);
    }

    [Fact]
    public async Task Link_login_without_a_configured_provider_is_refused_naming_the_setting()
    {
        _ = portal.Services; // the portal's first start migrates the database the command works on

        var linked = await AdminAsync("link-login", "--email", PortalFactory.AdminEmail, "--subject", "42");

        Assert.Equal(1, linked.Exit);
        Assert.Contains("ReleaseGate__Oidc__Authority", linked.Err);
        await using var db = portal.CreateDb();
        Assert.False(await db.UserLogins.AnyAsync(Ct));
    }

    public void Dispose()
    {
        portal.Dispose();
        Directory.Delete(workspace, recursive: true);
    }
}
