using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Users;

namespace ReleaseGate.E2E;

public class SignOffInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    private const string Password = "Qa-pass-1234";
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-30);

    [Fact]
    public async Task A_qa_approves_from_the_board_and_another_open_board_sees_it_without_reload()
    {
        var candidate = await SeedAwaitingSignOffAsync("signoff-web");
        await portal.CreateUserAsync("qa-one@example.com", Roles.QA, Password);
        var watcher = await portal.SignedInPageAsync();
        var watchedChip = watcher.Locator("#board tr", new() { Has = watcher.Locator(".board-app", new() { HasTextString = "signoff-web" }) }).Locator(".phase-chip");
        await Assertions.Expect(watchedChip).ToHaveAttributeAsync("data-phase", "AwaitingSignOff");
        await LivePortal.ShotAsync(watcher, "board-rows-en");

        var qa = await portal.SignedInPageAsync("qa-one@example.com", Password);
        // Anywhere on the row opens the candidate (its link covers the row), here the row's approvals cell.
        var row = qa.Locator("#board tr", new() { Has = qa.Locator(".board-app", new() { HasTextString = "signoff-web" }) });
        var approvals = await row.Locator(".board-approvals").BoundingBoxAsync();
        var box = await row.BoundingBoxAsync();
        await row.ClickAsync(new() { Position = new() { X = approvals!.X - box!.X + 2, Y = box.Height / 2 } });
        await Assertions.Expect(qa).ToHaveURLAsync(new Regex($"/candidates/{candidate.Id}$"));
        await qa.Locator("#approve").ClickAsync();
        await Assertions.Expect(qa.Locator("#signoff-digest")).ToHaveTextAsync(candidate.Digest);
        await qa.Locator("#signoff-confirm").ClickAsync();

        await Assertions.Expect(qa.Locator("#candidate-phase .phase-chip")).ToHaveAttributeAsync("data-phase", "Approved");
        await Assertions.Expect(qa.Locator("#votes")).ToContainTextAsync("qa-one@example.com");
        // The watcher never reloads: the change arrives over its own circuit.
        await Assertions.Expect(watchedChip).ToHaveAttributeAsync("data-phase", "Approved", new() { Timeout = 3000 });
        await Assertions.Expect(watcher.Locator("#board tr", new() { Has = watcher.Locator(".board-app", new() { HasTextString = "signoff-web" }) }).Locator(".board-approvals"))
            .ToHaveTextAsync("1/1");
        await qa.Context.CloseAsync();
        await watcher.Context.CloseAsync();
    }

    [Fact]
    public async Task The_submitters_approval_is_refused_with_a_clear_message()
    {
        var candidate = await SeedAwaitingSignOffAsync("signoff-own", submittedBy: "Submitter@example.com");
        await portal.CreateUserAsync("submitter@example.com", Roles.QA, Password);
        var page = await portal.SignedInPageAsync("submitter@example.com", Password);
        await LivePortal.OpenAsync(page, candidate.Id);

        await page.Locator("#approve").ClickAsync();
        await page.Locator("#signoff-confirm").ClickAsync();

        await Assertions.Expect(page.Locator("#signoff-error")).ToContainTextAsync("You submitted this candidate, so you cannot sign it off");
        await page.Locator("#signoff-cancel").ClickAsync();
        await Assertions.Expect(page.Locator("#candidate-phase .phase-chip")).ToHaveAttributeAsync("data-phase", "AwaitingSignOff");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_candidate_page_speaks_chinese_when_the_browser_does()
    {
        var candidate = await SeedAwaitingSignOffAsync("signoff-zh");
        await portal.CreateUserAsync("qa-zh@example.com", Roles.QA, Password);
        var page = await portal.SignedInPageAsync("qa-zh@example.com", Password, locale: "zh-CN");
        await LivePortal.OpenAsync(page, candidate.Id);

        await Assertions.Expect(page.Locator("#candidate-phase .phase-chip")).ToHaveTextAsync("等待签核");
        await Assertions.Expect(page.Locator("#approve")).ToContainTextAsync("批准");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("时间线");
        await Assertions.Expect(page.Locator("#changes")).ToContainTextAsync("变更");
        await page.Locator("#reject").ClickAsync();
        await page.Locator("#signoff-confirm").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("拒绝时必须填写备注");
        await page.Context.CloseAsync();
    }


    /// <summary>A candidate taken through the phase table to AwaitingSignOff, as if its test deployment had finished.</summary>
    private async Task<Candidate> SeedAwaitingSignOffAsync(string slug, string submittedBy = "dev@example.com")
    {
        await using var db = portal.CreateDb();
        var app = new Application
        {
            Slug = slug, DisplayName = slug, StagingRepository = $"127.0.0.1:5001/{slug}", ProductionRepository = $"127.0.0.1:5002/{slug}",
            SwarmService = slug, TestEnvironment = new TestEnvironmentSpec { ContainerName = $"{slug}-test", PublishedPort = 18099 },
        };
        var candidate = new Candidate
        {
            Application = app, Version = "2.0.0", Digest = "sha256:" + new string('e', 64), Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8",
            BuildNumber = 42, BuildUrl = "https://jenkins.example.com/job/x/42/", SubmittedBy = submittedBy, RegisteredAt = At,
            TestUrl = "http://127.0.0.1:18099/", Changes = [new CommitChange("9fceb02d0ae5", "dev", "Fix the checkout")],
        };
        candidate.Record(At, nameof(CandidatePhase.Registered), "jenkins", "Registered.");
        candidate.MoveTo(CandidatePhase.Deploying, At, "system", "Deployment to the test host started.");
        candidate.MoveTo(CandidatePhase.AwaitingSignOff, At.AddMinutes(1), "system", "Running in test; waiting for QA.");
        db.Candidates.Add(candidate);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return candidate;
    }
}
