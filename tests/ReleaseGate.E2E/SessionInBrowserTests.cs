using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Users;

namespace ReleaseGate.E2E;

/// <summary>An open tab follows its account: disabled meanwhile, it records nothing and says so.</summary>
public class SessionInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    private const string Password = "Qa-pass-1234";

    [Theory]
    [InlineData("en", "disabled")]
    [InlineData("zh-CN", "停用")]
    public async Task A_qa_disabled_while_the_tab_is_open_cannot_approve_and_the_tab_says_so(string locale, string said)
    {
        var slug = $"session-{locale.ToLowerInvariant()}";
        var candidate = await SeedAwaitingSignOffAsync(slug);
        var email = $"qa-{slug}@example.com";
        var userId = await CreateQaAsync(email);
        var page = await portal.SignedInPageAsync(email, Password, locale);
        await page.GotoAsync($"/candidates/{candidate.Id}");
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await page.Locator("#approve").ClickAsync();
        await Assertions.Expect(page.Locator("#signoff-digest")).ToHaveTextAsync(candidate.Digest);

        // The admin disables the QA through the use case the People page calls.
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var changed = await scope.ServiceProvider.GetRequiredService<ChangeUser>().RunAsync(userId, UserChange.Disable, LivePortal.AdminEmail);
            Assert.False(changed.IsRefused);
        }
        // The tab's own check may already have closed the dialog; if not, Core refuses the click.
        try { await page.Locator("#signoff-confirm").ClickAsync(new LocatorClickOptions { Timeout = 2000 }); }
        catch (TimeoutException) { }

        await Assertions.Expect(page.Locator("#account-notice")).ToContainTextAsync(said, new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), $"rg-account-disabled-{locale}.png") });
        await using var db = portal.CreateDb();
        Assert.Equal(0, await db.SignOffs.CountAsync(s => s.CandidateId == candidate.Id, TestContext.Current.CancellationToken));
        Assert.Equal(CandidatePhase.AwaitingSignOff, (await db.Candidates.SingleAsync(c => c.Id == candidate.Id, TestContext.Current.CancellationToken)).Phase);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_qa_demoted_while_the_tab_is_open_is_signed_out_of_it_within_seconds()
    {
        var candidate = await SeedAwaitingSignOffAsync("session-demoted");
        var userId = await CreateQaAsync("qa-demoted@example.com");
        var page = await portal.SignedInPageAsync("qa-demoted@example.com", Password);
        await page.GotoAsync($"/candidates/{candidate.Id}");
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("#approve")).ToBeVisibleAsync();

        await using (var scope = portal.Services.CreateAsyncScope())
            Assert.False((await scope.ServiceProvider.GetRequiredService<ChangeUser>()
                .RunAsync(userId, UserChange.SetRoles, LivePortal.AdminEmail, [Roles.ReleaseManager])).IsRefused);

        // No click: the circuit's own check notices the new security stamp.
        await Assertions.Expect(page.Locator("#account-notice")).ToContainTextAsync("changed", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#approve")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    private async Task<string> CreateQaAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.QA)).Succeeded);
        return user.Id;
    }

    private async Task<Candidate> SeedAwaitingSignOffAsync(string slug)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        await using var db = portal.CreateDb();
        var app = new Application
        {
            Slug = slug, DisplayName = slug, StagingRepository = $"127.0.0.1:5001/{slug}", ProductionRepository = $"127.0.0.1:5002/{slug}",
            SwarmService = slug, TestEnvironment = new TestEnvironmentSpec { ContainerName = $"{slug}-test", PublishedPort = 18098 },
        };
        var candidate = new Candidate
        {
            Application = app, Version = "3.0.0", Digest = "sha256:" + new string('d', 64), Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8",
            BuildNumber = 7, BuildUrl = "https://jenkins.example.com/job/x/7/", SubmittedBy = "dev@example.com", RegisteredAt = at,
            TestUrl = "http://127.0.0.1:18098/", Changes = [new CommitChange("9fceb02d0ae5", "dev", "Fix the checkout")],
        };
        candidate.Record(at, nameof(CandidatePhase.Registered), "jenkins", "Registered.");
        candidate.MoveTo(CandidatePhase.Deploying, at, "system", "Deployment to the test host started.");
        candidate.MoveTo(CandidatePhase.AwaitingSignOff, at.AddMinutes(1), "system", "Running in test; waiting for QA.");
        db.Candidates.Add(candidate);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return candidate;
    }
}
