using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Tests;

public class OidcSettingsTests
{
    public static TheoryData<string, string, string> BadOidcVariables() => new()
    {
        { "ReleaseGate:Oidc:Authority", "http://gitlab.example.com", "ReleaseGate__Oidc__Authority" },
        { "ReleaseGate:Oidc:Authority", "not a url", "ReleaseGate__Oidc__Authority" },
        { "ReleaseGate:Oidc:ClientSecretFile", "/nonexistent/oidc-secret", "ReleaseGate__Oidc__ClientSecretFile" },
    };

    [Theory]
    [MemberData(nameof(BadOidcVariables))]
    public void A_bad_oidc_variable_stops_the_start_and_is_named(string key, string value, string variable)
    {
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Oidc:Authority"] = "https://gitlab.example.com";
        portal.Settings["ReleaseGate:Oidc:ClientId"] = "releasegate";
        portal.Settings["ReleaseGate:Oidc:ClientSecret"] = "s3cret";
        portal.Settings[key] = value;

        var error = Assert.Throws<InvalidSettingsException>(() => portal.CreateClient());
        Assert.Contains(error.Problems, p => p.StartsWith(variable + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void An_authority_without_client_id_and_secret_is_refused()
    {
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Oidc:Authority"] = "https://gitlab.example.com";

        var error = Assert.Throws<InvalidSettingsException>(() => portal.CreateClient());
        Assert.Contains(error.Problems, p => p.StartsWith("ReleaseGate__Oidc__ClientId:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("ReleaseGate__Oidc__ClientSecret:", StringComparison.Ordinal));
    }

    [Fact]
    public void Groups_give_exactly_the_roles_they_are_listed_for()
    {
        var groups = new OidcRoleGroupsSettings { QA = "acme/qa-team, acme/testers", ReleaseManager = "acme/release", Admin = "acme/admins" };

        Assert.Equal(["QA"], groups.RolesFor(["ACME/Testers", "acme/developers"]).Order());
        Assert.Equal(["Admin", "ReleaseManager"], groups.RolesFor(["acme/admins", "acme/release"]).Order());
        Assert.Empty(groups.RolesFor(["acme/qa"]));
        Assert.Empty(new OidcRoleGroupsSettings().RolesFor(["acme/admins"]));
    }

    [Fact]
    public async Task Without_an_authority_the_login_page_offers_no_provider()
    {
        using var portal = new PortalFactory();
        var page = await portal.CreateClient().GetStringAsync("/account/login", TestContext.Current.CancellationToken);

        Assert.Contains("id=\"sign-in\"", page);
        Assert.DoesNotContain("sign-in-oidc", page);
    }
}
