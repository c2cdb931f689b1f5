using Microsoft.Playwright;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Users;

namespace ReleaseGate.E2E;

/// <summary>The timeline written in the viewer's language from typed events, and the promotion's progress, in Chromium.</summary>
public class CandidateTimelineInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    private const string Password = "Qa-pass-1234";
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("en-US", "Approved by qa-tl@example.com (1/1): looks right", "1 of 1 approvals: waiting for the cutoff.")]
    [InlineData("zh-CN", "qa-tl@example.com 已批准(1/1):looks right", "已获 1/1 个批准:等待截止时间。")]
    public async Task An_approval_is_told_in_the_viewers_language_on_the_timeline(string locale, string approval, string approved)
    {
        var candidate = await SeedAsync($"timeline-{locale[..2]}", CandidatePhase.AwaitingSignOff);
        await portal.CreateUserAsync("qa-tl@example.com", Roles.QA, Password);
        var page = await portal.SignedInPageAsync("qa-tl@example.com", Password, locale);
        await LivePortal.OpenAsync(page, candidate.Id);

        await page.Locator("#approve").ClickAsync();
        await page.Locator("#signoff-comment").FillAsync("looks right");
        await page.Locator("#signoff-confirm").ClickAsync();

        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync(approval);
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync(approved);
        // Every kind label stays on one line (a Chinese label once broke one character per line).
        var lines = await page.EvaluateAsync<int[]>(
            "() => [...document.querySelectorAll('.rg-event-kind')].map(td => { const r = document.createRange(); r.selectNodeContents(td); return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })");
        Assert.All(lines, n => Assert.Equal(1, n));
        await LivePortal.ShotAsync(page, $"candidate-timeline-{locale}");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US", "Promotion to production", "of 6 blobs")]
    [InlineData("zh-CN", "发布到生产仓库", "个数据块")]
    public async Task A_promotion_in_progress_shows_its_bytes_and_blobs(string locale, string title, string blobs)
    {
        var candidate = await SeedAsync($"promoting-{locale[..2]}", CandidatePhase.Promoting);
        await using (var db = portal.CreateDb())
        {
            db.Promotions.Add(new Promotion { CandidateId = candidate.Id, Attempts = 1, StartedAt = At, BytesCopied = 42_000_000, BytesTotal = 100_000_000, BlobsCopied = 2, BlobsTotal = 6 });
            await db.SaveChangesAsync(Ct);
        }
        var page = await portal.SignedInPageAsync(locale: locale);
        await LivePortal.OpenAsync(page, candidate.Id);

        await Assertions.Expect(page.Locator("#promotion")).ToContainTextAsync(title);
        await Assertions.Expect(page.Locator("#promotion-figures")).ToContainTextAsync("40.1 MiB");
        await Assertions.Expect(page.Locator("#promotion-figures")).ToContainTextAsync(blobs);
        await LivePortal.ShotAsync(page, $"candidate-promotion-{locale}");
        await page.Context.CloseAsync();
    }



    /// <summary>A candidate taken through the phase table with typed events, as the use cases write them.</summary>
    private async Task<Candidate> SeedAsync(string slug, CandidatePhase phase)
    {
        await using var db = portal.CreateDb();
        var app = new Application
        {
            Slug = slug, DisplayName = slug, StagingRepository = $"127.0.0.1:5001/{slug}", ProductionRepository = $"127.0.0.1:5002/{slug}",
            SwarmService = "", TestEnvironment = new TestEnvironmentSpec { ContainerName = $"{slug}-test", PublishedPort = 18098 },
        };
        var c = new Candidate
        {
            Application = app, Version = "2.1.0", Digest = "sha256:" + new string('d', 64), Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8",
            BuildNumber = 7, SubmittedBy = "dev@example.com", RegisteredAt = At, TestUrl = "http://127.0.0.1:18098/",
        };
        c.Record(At, CandidateEventKinds.Of(CandidatePhase.Registered), "jenkins", "Build 7 registered.",
            new() { ["build"] = "7", ["image"] = $"127.0.0.1:5001/{slug}:2.1.0", ["digest"] = c.Digest });
        c.MoveTo(CandidatePhase.Deploying, At, "system", "Deployment to the test host started.");
        c.MoveTo(CandidatePhase.AwaitingSignOff, At.AddMinutes(1), "system", "Running in test.", new() { ["testUrl"] = c.TestUrl! });
        if (phase == CandidatePhase.Promoting)
        {
            var counts = new EventFields { ["user"] = "qa@example.com", ["approvals"] = "1", ["required"] = "1", ["comment"] = "" };
            c.Record(At.AddMinutes(2), CandidateEventKinds.Approval, "qa@example.com", "Approved.", counts);
            c.MoveTo(CandidatePhase.Approved, At.AddMinutes(2), "system", "Approved.", counts);
            c.MoveTo(CandidatePhase.Promoting, At.AddMinutes(3), "system", "Cutoff.");
        }
        db.Candidates.Add(c);
        await db.SaveChangesAsync(Ct);
        return c;
    }
}
