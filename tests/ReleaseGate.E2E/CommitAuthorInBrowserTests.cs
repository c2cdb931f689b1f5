using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using ReleaseGate.Core.Users;

namespace ReleaseGate.E2E;

/// <summary>
/// Four eyes with the shipped Jenkins client: changes.sh writes each author as git does ("Name &lt;email&gt;"), and a QA
/// whose commit is in the candidate cannot approve it, neither over the people's API nor in the browser.
/// </summary>
public class CommitAuthorInBrowserTests(ShippedClientPortal portal) : IClassFixture<ShippedClientPortal>
{
    private const string Password = "Qa-author-pass-1";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Approval_by_the_author_of_a_commit_as_changes_sh_sends_it_is_refused_in_the_api_and_the_browser()
    {
        await portal.CreateUserAsync("qa.author@example.com", Roles.QA, Password);
        await portal.CreateUserAsync("qa.other@example.com", Roles.QA, Password);
        // The QA's commit, with git's own name and e-mail fields (the e-mail in another case than the account's).
        await portal.MustRunAsync("git init -q . && git -c user.name='Dev Builder' -c user.email=dev.builder@example.com commit -q --allow-empty -m 'Start the basket'"
            + " && git -c user.name='Qa Author' -c user.email=QA.Author@Example.com commit -q --allow-empty -m 'Fix the basket total'");

        var id = await portal.SubmitFromCloneAsync(portal.Service, build: 1);

        using var qa = await portal.ApiAsAsync("qa.author@example.com");
        var candidate = JsonDocument.Parse(await qa.GetStringAsync($"/api/v1/candidates/{id}", Ct)).RootElement;
        Assert.Contains(candidate.GetProperty("changes").EnumerateArray(), c => c.GetProperty("author").GetString() == "Qa Author <QA.Author@Example.com>");
        var digest = candidate.GetProperty("digest").GetString()!;
        var body = JsonSerializer.Serialize(new { digest, comment = "looks fine" });

        var refused = await qa.PostAsync($"/api/v1/candidates/{id}/approvals", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("You wrote one of this candidate's commits", await refused.Content.ReadAsStringAsync(Ct));

        var page = await portal.SignedInPageAsync("qa.author@example.com", Password);
        await LivePortal.OpenAsync(page, id);
        await Assertions.Expect(page.Locator("#changes")).ToContainTextAsync("Qa Author <QA.Author@Example.com>");
        await page.Locator("#approve").ClickAsync();
        await page.Locator("#signoff-confirm").ClickAsync();
        await Assertions.Expect(page.Locator("#signoff-error")).ToContainTextAsync("You wrote one of this candidate's commits, so you cannot approve it");
        await LivePortal.ShotAsync(page, "signoff-commit-author-en");
        await page.Locator("#signoff-cancel").ClickAsync();
        await Assertions.Expect(page.Locator("#candidate-phase .phase-chip")).ToHaveAttributeAsync("data-phase", "AwaitingSignOff");
        await page.Context.CloseAsync();

        // Another QA, who wrote none of it, may: the refusal was about the author, not the candidate.
        using var other = await portal.ApiAsAsync("qa.other@example.com");
        var approved = await other.PostAsync($"/api/v1/candidates/{id}/approvals", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Created, approved.StatusCode);
    }
}
