using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Web.Integrations;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Tests;

public class IntegrationsPageTests : ComponentTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private IntegrationSecrets Secrets => Services.GetRequiredService<IntegrationSecrets>();

    public IntegrationsPageTests() => SignInAs("admin@example.com", "Admin");

    private static JenkinsSettings FromEnvironment(string? keyId) =>
        new() { KeyId = keyId, Secret = keyId is null ? null : "env-secret-0123456789" };

    [Fact]
    public async Task A_new_integration_shows_its_secret_once()
    {
        var dialogs = RenderProviders();
        var page = Render<IntegrationsPage>();
        page.Find("#integration-name").Change("Jenkins of team Orders");

        page.Find("#create-integration").Click();

        dialogs.WaitForElement("#new-secret");
        Assert.Contains("will not be shown again", dialogs.Find("#secret-shown-once").TextContent);
        var keyId = dialogs.Find("#new-key-id").GetAttribute("value")!;
        var secret = dialogs.Find("#new-secret").GetAttribute("value")!;
        Assert.Equal(secret, System.Text.Encoding.UTF8.GetString((await Secrets.FindSecretAsync(keyId, Ct))!));
        page.WaitForAssertion(() => Assert.Contains(keyId, page.Find("#integrations").TextContent));

        dialogs.Find("#secret-done").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#new-secret")));
        Assert.DoesNotContain(secret, page.Markup);
        await using var db = Database.CreateDbContext();
        Assert.DoesNotContain(secret, (await db.Integrations.SingleAsync(Ct)).ProtectedSecret);
        Assert.Equal(("integration.created", "admin@example.com"), await db.AuditEvents.Select(a => ValueTuple.Create(a.Action, a.Actor)).SingleAsync(Ct));
    }

    [Fact]
    public void A_nameless_integration_is_not_created()
    {
        RenderProviders();
        var page = Render<IntegrationsPage>();

        page.Find("#create-integration").Click();

        page.WaitForAssertion(() => Assert.Contains("name", page.Find("#integration-name").Closest(".mud-input-control")!.TextContent));
        using var db = Database.CreateDbContext();
        Assert.Empty(db.Integrations);
    }

    [Fact]
    public async Task Revoking_after_confirmation_marks_the_integration_revoked()
    {
        var (keyId, _) = (await Secrets.CreateAsync("Jenkins", "admin@example.com", Ct))!.Value;
        var dialogs = RenderProviders();
        var page = Render<IntegrationsPage>();

        page.Find(".revoke-integration").Click();
        dialogs.WaitForElement(".mud-dialog");
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        page.WaitForElement(".integration-revoked");
        Assert.Empty(page.FindAll(".revoke-integration"));
        Assert.Null(await Secrets.FindSecretAsync(keyId, Ct));
        await using var db = Database.CreateDbContext();
        Assert.Contains(await db.AuditEvents.ToListAsync(Ct), a => a.Action == "integration.revoked" && a.Subject == keyId && a.Actor == "admin@example.com");
    }

    [Fact]
    public async Task Cancelling_the_confirmation_keeps_the_integration()
    {
        var (keyId, _) = (await Secrets.CreateAsync("Jenkins", "admin@example.com", Ct))!.Value;
        var dialogs = RenderProviders();
        var page = Render<IntegrationsPage>();

        page.Find(".revoke-integration").Click();
        dialogs.WaitForElement(".mud-dialog");
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));
        Assert.NotNull(await Secrets.FindSecretAsync(keyId, Ct));
    }

    [Fact]
    public async Task An_integration_from_the_environment_cannot_be_revoked_here()
    {
        await Secrets.EnsureFromSettingsAsync(FromEnvironment("jenkins-env"), Ct);
        RenderProviders();

        var page = Render<IntegrationsPage>();

        var row = page.Find("#integrations tbody tr");
        Assert.NotNull(row.QuerySelector(".from-environment"));
        Assert.Null(row.QuerySelector(".revoke-integration"));
        Assert.Contains("ReleaseGate__Jenkins__KeyId", row.QuerySelector(".cannot-revoke")!.TextContent);
        // Nor behind the page's back.
        await using var db = Database.CreateDbContext();
        Assert.False(await Secrets.RevokeAsync((await db.Integrations.SingleAsync(Ct)).Id, "admin@example.com", Ct));
        Assert.NotNull(await Secrets.FindSecretAsync("jenkins-env", Ct));
    }

    [Fact]
    public async Task Removing_the_variable_retires_the_integration_from_the_environment_and_setting_it_again_restores_it()
    {
        await Secrets.EnsureFromSettingsAsync(FromEnvironment("jenkins-env"), Ct);

        await Secrets.EnsureFromSettingsAsync(FromEnvironment(null), Ct);
        Assert.Null(await Secrets.FindSecretAsync("jenkins-env", Ct));

        await Secrets.EnsureFromSettingsAsync(FromEnvironment("jenkins-env"), Ct);
        Assert.NotNull(await Secrets.FindSecretAsync("jenkins-env", Ct));
    }
}
