using Microsoft.Playwright;

namespace ReleaseGate.E2E;

/// <summary>A QA rejects a candidate that really runs on the test host, from its page, with the comment the rule asks for.</summary>
[Collection(GateCollection.Name)]
public class RejectInBrowserTests(GatePortal portal)
{
    [Fact]
    public async Task A_qa_rejects_in_the_browser_only_with_a_comment_and_the_comment_is_kept_with_the_rejection()
    {
        var id = await portal.SubmitAsync(portal.Rejecting, "1.0.0", 1);
        Assert.Equal("AwaitingSignOff", (await portal.WaitAsync(id, ["AwaitingSignOff", .. GatePortal.Final])).GetProperty("phase").GetString());
        var page = await portal.SignedInPageAsync(GatePortal.Qa, GatePortal.Password);
        await LivePortal.OpenAsync(page, Guid.Parse(id));

        await page.Locator("#reject").ClickAsync();
        await page.Locator("#signoff-confirm").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("A rejection needs a comment");
        await page.FillAsync("#signoff-comment", "The checkout button does nothing");
        await page.Locator("#signoff-confirm").ClickAsync();

        await Assertions.Expect(page.Locator("#candidate-phase .phase-chip")).ToHaveAttributeAsync("data-phase", "Rejected");
        await Assertions.Expect(page.Locator("#votes")).ToContainTextAsync("The checkout button does nothing");
        await page.Context.CloseAsync();
        var (_, c) = await portal.CallAsync(HttpMethod.Get, $"/api/v1/candidates/{id}");
        Assert.Equal("Rejected", c.GetProperty("phase").GetString());
        var vote = Assert.Single(c.GetProperty("signOffs").EnumerateArray());
        Assert.Equal((GatePortal.Qa, "The checkout button does nothing"), (vote.GetProperty("user").GetString(), vote.GetProperty("comment").GetString()));
    }
}
