using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Users;

namespace ReleaseGate.E2E;

/// <summary>The schedule page in Chromium, in both languages; screenshots go to /tmp/rg-shots for a person to look at.</summary>
public class ScheduleInBrowserTests(LivePortal portal) : IClassFixture<LivePortal>
{
    private const string Manager = "rm@example.com";
    private const string Password = "Manager-pass-1";
    private const string Shots = "/tmp/rg-shots";

    private async Task SeedAsync()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByEmailAsync(Manager) is not null) return;
        var rm = new PortalUser { UserName = Manager, Email = Manager, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(rm, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(rm, Roles.ReleaseManager)).Succeeded);

        var now = DateTimeOffset.UtcNow;
        await using var db = portal.CreateDb();
        var orders = App("orders-api");
        var billing = App("billing");
        db.Candidates.Add(InPhase(orders, "1.4.2", now.AddHours(-3), CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff, CandidatePhase.Approved));
        db.Candidates.Add(InPhase(orders, "1.4.3", now.AddHours(-1), CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff));
        db.Candidates.Add(InPhase(billing, "2.0.0", now.AddHours(-2), CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff));
        db.ReleaseWindows.Add(new ReleaseWindow { Name = "Friday release", Cron = "0 0 18 ? * FRI", TimeZoneId = "Asia/Shanghai", ReminderHours = 4 });
        db.ReleaseWindows.Add(new ReleaseWindow { Name = "Tuesday hotfixes", Cron = "0 0 11 ? * TUE", TimeZoneId = "Europe/Berlin", ApplicationSlugs = ["orders-api"] });
        db.ReleaseWindows.Add(new ReleaseWindow { Name = "Q1 launch", CutoffAt = now.AddDays(9), DeclaredInFile = true });
        db.Freezes.Add(new Freeze { Reason = "Year-end freeze", StartsAt = now.AddDays(4), EndsAt = now.AddDays(8) });
        db.Freezes.Add(new Freeze { Reason = "Weekends", StartCron = "0 0 20 ? * SAT", EndCron = "0 0 6 ? * MON", TimeZoneId = "Asia/Shanghai", DeclaredInFile = true });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    private static Application App(string slug) => new()
    {
        Slug = slug, DisplayName = slug, StagingRepository = $"127.0.0.1:5001/{slug}", ProductionRepository = $"127.0.0.1:5002/{slug}",
        SwarmService = slug, TestEnvironment = new TestEnvironmentSpec { ContainerName = $"{slug}-test", PublishedPort = 18080 },
    };

    private static Candidate InPhase(Application app, string version, DateTimeOffset at, params CandidatePhase[] path)
    {
        var c = new Candidate { Application = app, Version = version, Digest = "sha256:" + new string('a', 64), Commit = "0123456789abcdef", SubmittedBy = "dev@example.com", RegisteredAt = at };
        foreach (var step in path) c.MoveTo(step, at, "system", step.ToString());
        return c;
    }

    [Theory]
    [InlineData("en-US", "Upcoming cutoffs", "never fires again")]
    [InlineData("zh-CN", "即将到来的截止时间", "以后不会再触发")]
    public async Task A_release_manager_sees_the_month_and_week_and_a_problem_at_its_field(string locale, string heading, string cronProblem)
    {
        await SeedAsync();
        Directory.CreateDirectory(Shots);
        var page = await portal.SignedInPageAsync(Manager, Password, locale);
        await page.SetViewportSizeAsync(1440, 1000);
        await page.GotoAsync("/schedule");
        await page.WaitForSelectorAsync("#rg-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("#upcoming-cutoffs")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(heading);
        await Assertions.Expect(page.Locator("#schedule-month .rg-cutoff").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = $"{Shots}/schedule-month-{locale}.png", FullPage = true });

        await page.ClickAsync("#schedule-week-view");
        await Assertions.Expect(page.Locator("#schedule-week")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = $"{Shots}/schedule-week-{locale}.png" });

        await page.ClickAsync("#new-window");
        await page.FillAsync("#window-name", "Old window");
        await page.FillAsync("#window-cron", "0 0 12 1 1 ? 2020");
        await page.ClickAsync("#window-save");
        await Assertions.Expect(page.Locator(".mud-dialog .mud-input-control", new() { HasText = cronProblem })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = $"{Shots}/schedule-window-dialog-{locale}.png" });
        await page.Context.CloseAsync();
    }
}
