using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace ReleaseGate.E2E;

/// <summary>A live portal with a Jenkins key and an applications file whose application has a development environment.</summary>
public sealed class DevelopmentPortal : LivePortal
{
    public const string KeyId = "jenkins-e2e";
    public const string Secret = "a-long-e2e-secret-of-jenkins";
    public string Slug { get; } = $"dev-board-{Guid.NewGuid():N}"[..16];
    public int DevelopmentPort { get; } = OidcProvider.FreePort();
    private readonly string file = Path.Combine(Path.GetTempPath(), $"rg-e2e-apps-{Guid.NewGuid():N}.yml");

    public DevelopmentPortal() => File.WriteAllText(file, $$"""
        applications:
          - slug: {{Slug}}
            displayName: Board demo
            stagingRepository: 127.0.0.1:5001/demo/web
            productionRepository: 127.0.0.1:5002/{{Slug}}
            swarmService: {{Slug}}
            testEnvironment: { containerName: {{Slug}}-test, publishedPort: {{OidcProvider.FreePort()}} }
            development: { containerName: {{Slug}}-dev, publishedPort: {{DevelopmentPort}}, healthPath: /health }
        """);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ReleaseGate:Jenkins:KeyId", KeyId);
        builder.UseSetting("ReleaseGate:Jenkins:Secret", Secret);
        builder.UseSetting("ReleaseGate:Jenkins:Applications", "*");
        builder.UseSetting("ReleaseGate:ApplicationsFile", file);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        using var remove = Process.Start("bash", ["-c", $"docker rm -f {Slug}-dev {Slug}-test >/dev/null 2>&1"]);
        await remove.WaitForExitAsync();
        File.Delete(file);
    }
}

public class DevelopmentOnBoardInBrowserTests(DevelopmentPortal portal) : IClassFixture<DevelopmentPortal>
{
    [Fact]
    public async Task A_develop_build_shows_on_the_board_beside_test_and_production_and_turns_Running_live_in_both_languages()
    {
        var en = await portal.SignedInPageAsync();
        var row = en.Locator("#board tbody tr", new PageLocatorOptions { HasText = portal.Slug });
        await Assertions.Expect(row.Locator(".board-development")).ToContainTextAsync("no develop build");
        await en.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

        // Jenkins' develop stage, through the shipped client; the open board follows without a reload.
        var client = Path.Combine(OidcProvider.RepoRoot(), "scripts", "jenkins", "releasegate.sh");
        var start = new ProcessStartInfo("bash", ["-c", $"{client} develop --application {portal.Slug} --image 127.0.0.1:5001/demo/web:v1 " +
            "--commit 9fceb02d0ae598e95dc970b74767f19372d61af8 --branch develop --build-number 57 --build-url https://jenkins.example.com/job/web/57/"])
        { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["RELEASEGATE_URL"] = portal.Address.ToString().TrimEnd('/');
        start.Environment["RELEASEGATE_KEY_ID"] = DevelopmentPortal.KeyId;
        start.Environment["RELEASEGATE_SECRET"] = DevelopmentPortal.Secret;
        using (var develop = Process.Start(start)!)
        {
            var err = develop.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await develop.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(develop.ExitCode == 0, await err);
        }

        await Assertions.Expect(row.Locator(".development-chip[data-state=Running]")).ToHaveTextAsync("Running", new() { Timeout = 60_000 });
        await Assertions.Expect(row.Locator(".board-development-version")).ToHaveTextAsync("v1");
        await Assertions.Expect(row.Locator(".board-development-url")).ToHaveAttributeAsync("href", $"http://127.0.0.1:{portal.DevelopmentPort}/");
        await Assertions.Expect(en.Locator("#board thead")).ToContainTextAsync("Development");
        await LivePortal.ShotAsync(en, "board-development-en");
        await en.Context.CloseAsync();

        var zh = await portal.SignedInPageAsync(locale: "zh-CN");
        var zhRow = zh.Locator("#board tbody tr", new PageLocatorOptions { HasText = portal.Slug });
        await Assertions.Expect(zhRow.Locator(".development-chip")).ToHaveTextAsync("运行中");
        await Assertions.Expect(zh.Locator("#board thead")).ToContainTextAsync("开发环境");
        await LivePortal.ShotAsync(zh, "board-development-zh");
        await zh.Context.CloseAsync();
    }

}
