using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>Tokens in the browser: made on My account and shown once, listed with their last use, revoked by the owner or an admin.</summary>
public class TokenPagesTests : ComponentTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task<string> TokenOfAsync(string user, string name)
    {
        using var scope = Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<CreateToken>().RunAsync(user, user, name, 30, ReleaseGate.Core.Access.TokenScopes.Legacy, Ct)).Value!.Token;
    }

    [Fact]
    public void A_new_token_is_shown_once_with_a_copy_button_and_listed_by_name()
    {
        SignInAs("qa@example.com", Roles.QA);
        var dialogs = RenderProviders();
        var page = Render<AccountPage>();
        page.Find("#token-name").Change("release bot");

        page.Find("#create-token").Click();

        dialogs.WaitForElement("#new-token");
        var token = dialogs.Find("#new-token").GetAttribute("value")!;
        Assert.StartsWith("rgp_", token);
        Assert.NotEmpty(dialogs.FindAll("#token-dialog .mud-input-adornment button"));
        page.WaitForAssertion(() => Assert.Contains("release bot", page.Find("#tokens").TextContent));
        Assert.Contains(token[..10], page.Find("#tokens").TextContent);
        Assert.Contains("never", page.Find("#tokens .token-last-used").TextContent);
        dialogs.Find("#token-done").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#new-token")));
        Assert.DoesNotContain(token, page.Markup);
        Assert.DoesNotContain(token, dialogs.Markup);
    }

    [Fact]
    public void A_token_without_a_name_is_refused_on_the_field()
    {
        SignInAs("qa@example.com", Roles.QA);
        RenderProviders();
        var page = Render<AccountPage>();

        page.Find("#create-token").Click();

        page.WaitForAssertion(() => Assert.Contains("must be 1 to 100 characters", page.Markup));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#tokens-none")));
    }

    [Fact]
    public async Task The_owner_revokes_a_token_and_it_shows_as_revoked()
    {
        SignInAs("qa@example.com", Roles.QA);
        var token = await TokenOfAsync("qa@example.com", "laptop");
        RenderProviders();
        var page = Render<AccountPage>();
        page.WaitForElement("#tokens");

        page.Find("#tokens .revoke-token").Click();

        page.WaitForAssertion(() => Assert.Contains("revoked", page.Find("#tokens .token-status").TextContent));
        await using var db = Database.CreateDbContext();
        Assert.NotNull((await db.PersonalAccessTokens.SingleAsync(t => t.Hash == PersonalAccessToken.HashOf(token), Ct)).RevokedAt);
    }

    [Fact]
    public async Task A_person_sees_only_their_own_tokens_and_an_admin_sees_and_revokes_everyones()
    {
        SignInAs("admin@example.com", Roles.Admin);
        AddUser("other@example.com", Roles.QA);
        await TokenOfAsync("other@example.com", "other's bot");
        await TokenOfAsync("admin@example.com", "admin's script");
        RenderProviders();

        var own = Render<AccountPage>();
        own.WaitForElement("#tokens");
        Assert.DoesNotContain("other's bot", own.Markup);

        var all = Render<TokenTable>(p => p.Add(t => t.Everyone, true));
        all.WaitForElement("#all-tokens");
        Assert.Contains("other@example.com", all.Markup);
        var row = all.FindAll("#all-tokens tbody tr").Single(r => r.TextContent.Contains("other's bot"));
        row.QuerySelector(".revoke-token")!.Click();
        all.WaitForAssertion(() => Assert.Contains("revoked",
            all.FindAll("#all-tokens tbody tr").Single(r => r.TextContent.Contains("other's bot")).QuerySelector(".token-status")!.TextContent));
    }
}
