using System.Net;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>The permission table as the web answers it: pages open to exactly the table's roles, the API to integrations only.</summary>
public class PermissionsOverHttpTests(ApiPortal portal) : IClassFixture<ApiPortal>
{
    private static readonly (string Path, PortalAction Action)[] Pages =
        [("/people", PortalAction.ManageUsers), ("/integrations", PortalAction.ManageIntegrations),
         ("/applications/new", PortalAction.ManageApplications), ("/audit", PortalAction.ReadAudit)];

    private const string Build = """{"application":"no-such-app","status":"failed","buildNumber":1,"buildUrl":"https://jenkins.example.com/job/x/1/"}""";

    [Theory]
    [InlineData(Roles.QA)]
    [InlineData(Roles.ReleaseManager)]
    [InlineData(Roles.Admin)]
    public async Task Each_page_opens_for_the_tables_roles_only_and_the_api_not_for_a_session(string role)
    {
        var ct = TestContext.Current.CancellationToken;
        var email = $"http-{role.ToLowerInvariant()}@example.com";
        await portal.CreateUserAsync(email, role);
        var browser = portal.CreateBrowserLikeClient();
        await SignIn.PostAsync(browser, email, "Test-pass-123");

        foreach (var (path, action) in Pages)
        {
            var response = await browser.GetAsync(path, ct);
            if (Permissions.Allows(action, role)) Assert.True(response.StatusCode == HttpStatusCode.OK, $"{role} {path}: {response.StatusCode}");
            else Assert.StartsWith("/account/denied", SignIn.RedirectTarget(response));
        }
        // A browser session is no integration: the callback API wants a signature.
        var call = await browser.PostAsync("/api/v1/builds", new StringContent(Build, System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, call.StatusCode);
    }

    [Fact]
    public async Task The_api_answers_an_integration_and_refuses_anonymous_callers()
    {
        var ct = TestContext.Current.CancellationToken;
        var anonymous = await portal.CreateClient().PostAsync("/api/v1/builds", new StringContent(Build, System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        // The integration passes the table; Core then refuses the unknown application, which is not an access refusal.
        var signed = await portal.Api().PostAsync("/api/v1/builds", Build);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, signed.StatusCode);
    }
}
