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
        new() { KeyId = keyId, Secret = keyId is null ? null : "env-secret-0123456789", Applications = "*" };

    private async Task<byte[]?> CurrentSecretAsync(string keyId, CancellationToken ct) => (await Secrets.FindAsync(keyId, ct))?.Current;

    [Fact]
    public async Task A_new_integration_shows_its_secret_once()
    {
        var dialogs = RenderProviders();
        var page = Render<IntegrationsPage>();
        page.Find("#integration-name").Change("Jenkins of team Orders");
        page.Find("#integration-applications").Change("orders-api, billing");

        page.Find("#create-integration").Click();

        dialogs.WaitForElement("#new-secret");
        Assert.Contains("will not be shown again", dialogs.Find("#secret-shown-once").TextContent);
        var keyId = dialogs.Find("#new-key-id").GetAttribute("value")!;
        var secret = dialogs.Find("#new-secret").GetAttribute("value")!;
        Assert.Equal(secret, System.Text.Encoding.UTF8.GetString((await CurrentSecretAsync(keyId, Ct))!));
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
        var (keyId, _) = (await Secrets.CreateAsync("Jenkins", ["orders-api"], false, "admin@example.com", Ct))!.Value;
        var dialogs = RenderProviders();
        var page = Render<IntegrationsPage>();

        page.Find(".revoke-integration").Click();
        dialogs.WaitForElement(".mud-dialog");
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        page.WaitForElement(".integration-revoked");
        Assert.Empty(page.FindAll(".revoke-integration"));
        Assert.Null(await CurrentSecretAsync(keyId, Ct));
        await using var db = Database.CreateDbContext();
        Assert.Contains(await db.AuditEvents.ToListAsync(Ct), a => a.Action == "integration.revoked" && a.Subject == keyId && a.Actor == "admin@example.com");
    }

    [Fact]
    public async Task Cancelling_the_confirmation_keeps_the_integration()
    {
        var (keyId, _) = (await Secrets.CreateAsync("Jenkins", ["orders-api"], false, "admin@example.com", Ct))!.Value;
        var dialogs = RenderProviders();
        var page = Render<IntegrationsPage>();

        page.Find(".revoke-integration").Click();
        dialogs.WaitForElement(".mud-dialog");
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));
        Assert.NotNull(await CurrentSecretAsync(keyId, Ct));
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
        Assert.NotNull(await CurrentSecretAsync("jenkins-env", Ct));
    }

    [Fact]
    public async Task Removing_the_variable_retires_the_integration_from_the_environment_and_setting_it_again_restores_it()
    {
        await Secrets.EnsureFromSettingsAsync(FromEnvironment("jenkins-env"), Ct);

        await Secrets.EnsureFromSettingsAsync(FromEnvironment(null), Ct);
        Assert.Null(await CurrentSecretAsync("jenkins-env", Ct));

        await Secrets.EnsureFromSettingsAsync(FromEnvironment("jenkins-env"), Ct);
        Assert.NotNull(await CurrentSecretAsync("jenkins-env", Ct));
    }

    [Fact]
    public void A_key_needs_its_applications_named_and_star_only_alone()
    {
        RenderProviders();
        var page = Render<IntegrationsPage>();
        page.Find("#integration-name").Change("Jenkins");

        page.Find("#integration-applications").Change("orders-api, *");
        page.Find("#create-integration").Click();

        page.WaitForAssertion(() => Assert.Contains("* alone", page.Find("#integration-applications").Closest(".mud-input-control")!.TextContent));
        using var db = Database.CreateDbContext();
        Assert.Empty(db.Integrations);
    }

    [Fact]
    public async Task A_key_that_may_sign_v1_is_warned_about_and_its_scope_shown()
    {
        await Secrets.CreateAsync("old Jenkins", ["orders-api", "billing"], allowV1: true, "admin@example.com", Ct);
        Time.Advance(TimeSpan.FromMinutes(1)); // newest first
        await Secrets.CreateAsync("every app", [ReleaseGate.Core.Integrations.Integration.EveryApplication], allowV1: false, "admin@example.com", Ct);
        RenderProviders();

        var page = Render<IntegrationsPage>();

        Assert.Contains("v1", page.Find("#v1-warning").TextContent);
        var rows = page.FindAll("#integrations tbody tr");
        Assert.Contains("every application", rows[0].QuerySelector(".integration-applications")!.TextContent);
        Assert.NotNull(rows[0].QuerySelector(".integration-v2"));
        Assert.Equal("orders-api, billing", rows[1].QuerySelector(".integration-applications")!.TextContent.Trim());
        Assert.NotNull(rows[1].QuerySelector(".integration-v1"));
    }

    [Fact]
    public async Task Rotating_shows_the_new_secret_once_and_keeps_the_previous_live_until_retired()
    {
        AddUser("admin@example.com", "Admin");
        var (keyId, oldSecret) = (await Secrets.CreateAsync("Jenkins", ["orders-api"], false, "admin@example.com", Ct))!.Value;
        var dialogs = RenderProviders();
        var page = Render<IntegrationsPage>();

        page.Find(".rotate-integration").Click();
        dialogs.WaitForElement(".mud-dialog");
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Rotate secret").Click();
        dialogs.WaitForElement("#new-secret");
        var newSecret = dialogs.Find("#new-secret").GetAttribute("value")!;
        dialogs.Find("#secret-done").Click();

        var key = (await Secrets.FindAsync(keyId, Ct))!;
        Assert.Equal(newSecret, System.Text.Encoding.UTF8.GetString(key.Current));
        Assert.Equal(oldSecret, System.Text.Encoding.UTF8.GetString(key.Previous!));
        page.WaitForElement(".retire-previous").Click();
        dialogs.WaitForElement(".mud-dialog");
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Retire previous secret").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".previous-secret")));
        Assert.Null((await Secrets.FindAsync(keyId, Ct))!.Previous);
    }

    [Fact]
    public async Task Editing_a_keys_applications_and_v1_goes_through_the_admin_check()
    {
        AddUser("admin@example.com", "Admin");
        var (keyId, _) = (await Secrets.CreateAsync("Jenkins", ["orders-api"], true, "admin@example.com", Ct))!.Value;
        var dialogs = RenderProviders();
        var page = Render<IntegrationsPage>();

        page.Find(".edit-integration").Click();
        dialogs.WaitForElement("#scope-applications").Change("orders-api, billing");
        dialogs.Find(".scope-allow-v1 input").Change(false);
        dialogs.Find("#scope-save").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#v1-warning")));
        await using var db = Database.CreateDbContext();
        var row = await db.Integrations.SingleAsync(i => i.KeyId == keyId, Ct);
        Assert.Equal(["orders-api", "billing"], row.Applications);
        Assert.False(row.AllowV1);
        // Someone who is not an admin in the database cannot, whatever the page thought.
        Assert.NotNull(await Secrets.ChangeScopeAsync(row.Id, "*", true, "nobody@example.com", Ct));
    }
}
