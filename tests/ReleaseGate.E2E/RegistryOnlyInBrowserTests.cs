using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReleaseGate.Core.Users;
using ReleaseGate.Registry;

namespace ReleaseGate.E2E;

/// <summary>
/// An application with no Swarm service, declared in the applications file the portal starts with, taken from the
/// shipped Jenkins client to Released through the API, and shown as "registry only" on the board and the admin page.
/// </summary>
public class RegistryOnlyInBrowserTests(ShippedClientPortal portal) : IClassFixture<ShippedClientPortal>
{
    private const string Password = "Registry-only-pass-1";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_registry_only_application_from_the_file_is_released_once_production_serves_its_digest_and_the_board_says_so()
    {
        var slug = portal.RegistryOnly;
        await portal.CreateUserAsync("qa.shelf@example.com", Roles.QA, Password);
        await portal.CreateUserAsync("rm.shelf@example.com", Roles.ReleaseManager, Password);
        await portal.MustRunAsync("git init -q . && git -c user.name='Dev Builder' -c user.email=dev.builder@example.com commit -q --allow-empty -m 'Shelf images'");
        var id = await portal.SubmitFromCloneAsync(slug, build: 7);

        using var qa = await portal.ApiAsAsync("qa.shelf@example.com");
        var digest = JsonDocument.Parse(await qa.GetStringAsync($"/api/v1/candidates/{id}", Ct)).RootElement.GetProperty("digest").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await qa.PostAsync($"/api/v1/candidates/{id}/approvals", Json(new { digest, comment = "ok" }), Ct)).StatusCode);
        using var rm = await portal.ApiAsAsync("rm.shelf@example.com");
        Assert.Equal(HttpStatusCode.Accepted, (await rm.PostAsync($"/api/v1/applications/{slug}/release-now", Json(new { reason = "registry-only e2e" }), Ct)).StatusCode);

        await portal.MustRunAsync($"releasegate.sh wait --candidate {id} --phase Released --timeout 120 --interval 1");

        // Released means the production registry serves the signed digest under the version, and no service was touched.
        using (var http = new HttpClient())
        {
            var production = new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5002")));
            Assert.Equal(digest, (await production.ResolveAsync($"e2e/{slug}", ShippedClientPortal.Version, Ct))?.Digest);
        }
        var app = JsonDocument.Parse(await rm.GetStringAsync($"/api/v1/applications/{slug}", Ct)).RootElement;
        Assert.Equal(digest, app.GetProperty("production").GetProperty("digest").GetString());
        Assert.DoesNotContain(slug, await rm.GetStringAsync("/api/v1/swarm/services", Ct));

        foreach (var (locale, label) in new[] { ("en-US", "registry only"), ("zh-CN", "仅镜像仓库") })
        {
            var page = await portal.SignedInPageAsync("rm.shelf@example.com", Password, locale);
            var row = page.Locator("#board tr", new() { Has = page.Locator(".board-app", new() { HasTextString = slug }) });
            await Assertions.Expect(row.Locator(".board-registry-only")).ToHaveTextAsync(label);
            await Assertions.Expect(row.Locator(".board-production")).ToHaveTextAsync(ShippedClientPortal.Version);
            await Assertions.Expect(row.Locator(".phase-chip")).ToHaveAttributeAsync("data-phase", "Released");
            // The application with a Swarm service is not marked.
            var service = page.Locator("#board tr", new() { Has = page.Locator(".board-app", new() { HasTextString = portal.Service }) });
            await Assertions.Expect(service.Locator(".board-registry-only")).ToHaveCountAsync(0);
            await LivePortal.ShotAsync(page, $"board-registry-only-{locale[..2]}");
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_admin_declares_a_registry_only_application_on_the_page()
    {
        var page = await portal.SignedInPageAsync();
        await page.GotoAsync("/applications/new");
        await page.WaitForSelectorAsync("#rg-interactive", new() { State = WaitForSelectorState.Attached });
        await page.FillAsync("#app-slug", "shelf-page");
        await page.FillAsync("#app-stagingRepository", "127.0.0.1:5001/e2e/shelf-page");
        await page.FillAsync("#app-productionRepository", "127.0.0.1:5002/e2e/shelf-page");
        await page.FillAsync("#app-testEnvironment-containerName", "shelf-page-test");
        await page.FillAsync("#app-testEnvironment-publishedPort", ShippedClientPortal.FreePort().ToString());
        await page.ClickAsync("#save-application");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/applications$"));
        var row = page.Locator("#applications tr", new() { Has = page.Locator(".app-slug", new() { HasTextString = "shelf-page" }) });
        await Assertions.Expect(row.Locator(".app-registry-only")).ToHaveTextAsync("registry only");
        // The file's registry-only application is listed the same way.
        var declared = page.Locator("#applications tr", new() { Has = page.Locator(".app-slug", new() { HasTextString = portal.RegistryOnly }) });
        await Assertions.Expect(declared.Locator(".app-registry-only")).ToHaveTextAsync("registry only");
        await LivePortal.ShotAsync(page, "applications-registry-only-en");
        await page.Context.CloseAsync();
    }
}
