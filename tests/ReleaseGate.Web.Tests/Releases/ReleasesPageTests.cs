using System.Globalization;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Tests.Releases;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// The releases page and the restore dialog over the real use cases (a scripted Swarm: the E2E test restores on the
/// real one): who sees what, what the dialog says will change, and a restore followed live until it ends.
/// </summary>
public class ReleasesPageTests : ComponentTests
{
    private const string Manager = "rm@example.com";
    private static readonly string DigestA = "sha256:" + new string('a', 64), DigestB = "sha256:" + new string('b', 64), DigestC = "sha256:" + new string('c', 64);
    private readonly FakeSwarm swarm = new();
    private readonly RecordedWatch watch = new();
    private long first;

    public ReleasesPageTests()
    {
        Services.AddSingleton<ISwarm>(swarm);
        Services.AddSingleton<IRolloutWatch>(watch);
        using var db = Database.CreateDbContext();
        var app = App("shop");
        db.Applications.Add(app);
        db.SaveChanges();
        Release Done(string version, string digest, int daysAgo, int seconds, ReleaseOutcome outcome, string message = "") => new()
        {
            ApplicationId = app.Id, Version = version, Digest = digest, StartedAt = Now.AddDays(-daysAgo), FinishedAt = Now.AddDays(-daysAgo).AddSeconds(seconds),
            Outcome = outcome, StartedBy = "system", Message = message,
        };
        var v1 = Done("1.0.0", DigestA, 3, 45, ReleaseOutcome.Succeeded);
        db.Releases.AddRange(v1, Done("1.1.0", DigestB, 2, 125, ReleaseOutcome.RolledBack, "task: non-zero exit (1)"), Done("1.2.0", DigestC, 1, 90, ReleaseOutcome.Succeeded));
        db.SaveChanges();
        first = v1.Id;
    }

    private IRenderedComponent<ReleasesPage> RenderPage()
    {
        var page = Render<ReleasesPage>(p => p.Add(x => x.Slug, "shop"));
        page.WaitForElement("#releases");
        return page;
    }

    [Fact]
    public void Everyone_signed_in_reads_each_release_with_its_outcome_and_duration_and_only_a_release_manager_may_restore()
    {
        SignInAs("qa@example.com", Roles.QA);
        var page = RenderPage();

        var rows = page.FindAll("tr.rg-release");
        Assert.Equal(["1.2.0", "1.1.0", "1.0.0"], rows.Select(r => r.QuerySelector(".release-version")!.TextContent));
        Assert.Equal(["Succeeded", "RolledBack", "Succeeded"], rows.Select(r => r.GetAttribute("data-outcome")));
        Assert.Equal(["1 min 30 s", "2 min 5 s", "45 s"], rows.Select(r => r.QuerySelector(".release-duration")!.TextContent));
        Assert.NotNull(rows[0].QuerySelector(".release-current"));
        Assert.Contains("non-zero exit", rows[1].TextContent);
        Assert.Contains(DigestC, page.Find("#releases-production").TextContent);
        Assert.Empty(page.FindAll(".release-restore"));
    }

    [Fact]
    public void The_dialog_shows_what_will_change_and_a_restore_without_a_reason_changes_nothing()
    {
        SignInAs(Manager, Roles.ReleaseManager);
        var provider = RenderProviders();
        var page = RenderPage();
        // Only a succeeded release other than production's can be restored.
        var restore = Assert.Single(page.FindAll(".release-restore"));
        Assert.Equal(first.ToString(CultureInfo.InvariantCulture), restore.Closest("tr")!.GetAttribute("data-release"));

        restore.Click();
        provider.WaitForElement("#restore-confirm");
        Assert.Contains("1.2.0", provider.Find("#restore-from").TextContent);
        Assert.Contains(DigestC, provider.Find("#restore-from").TextContent);
        Assert.Contains("1.0.0", provider.Find("#restore-to").TextContent);
        Assert.Contains(DigestA, provider.Find("#restore-to").TextContent);
        provider.Find("#restore-confirm").Click();

        provider.WaitForAssertion(() => Assert.Contains("Say why production goes back", provider.Find("#restore-reason").Closest(".mud-input-control")!.TextContent));
        using var db = Database.CreateDbContext();
        Assert.Equal(3, db.Releases.Count());
        Assert.Empty(swarm.Calls);
    }

    [Fact]
    public async Task A_restore_through_the_dialog_starts_on_swarm_and_the_page_follows_it_until_it_succeeds()
    {
        SignInAs(Manager, Roles.ReleaseManager);
        var provider = RenderProviders();
        var page = RenderPage();
        page.Find(".release-restore").Click();
        provider.WaitForElement("#restore-reason");
        provider.Find("#restore-reason").Change("1.2.0 breaks checkout");
        provider.Find("#restore-confirm").Click();

        page.WaitForElement("#releases-running");
        var image = $"127.0.0.1:5002/shop:1.0.0@{DigestA}";
        Assert.Equal([$"start {image}"], swarm.Calls);
        Assert.Empty(page.FindAll(".release-restore")); // one at a time
        long restoreId;
        await using (var db = Database.CreateDbContext())
        {
            var restore = await db.Releases.OrderBy(r => r.Id).LastAsync(Xunit.TestContext.Current.CancellationToken);
            Assert.Equal((ReleaseKind.Restore, ReleaseOutcome.Running, "1.2.0 breaks checkout", Manager), (restore.Kind, restore.Outcome, restore.Reason, restore.StartedBy));
            restoreId = restore.Id;
        }

        // The watch's look, as the job runs it: every task on the digest for longer than the monitor period.
        swarm.Then(new SwarmObservation(true, image, 1, "completed", "update completed", Now.AddSeconds(1),
            [new SwarmTask("t1", 1, "node-1", image, "running", "running", "running", null, Now.AddMinutes(-5))]));
        var looks = new WatchRollout(Database, swarm, new FakeSmoke(), Services.GetRequiredService<CandidateChanges>(), Time, Services.GetRequiredService<PortalLinks>());
        await looks.RunAsync(restoreId, Xunit.TestContext.Current.CancellationToken);

        page.WaitForAssertion(() => Assert.Equal("Succeeded", page.Find($"tr[data-release='{restoreId}']").GetAttribute("data-outcome")));
        Assert.NotNull(page.Find($"tr[data-release='{restoreId}'] .release-current"));
        Assert.Empty(page.FindAll("#releases-running"));
    }

    [Fact]
    public async Task A_freeze_holds_a_restore_from_the_dialog_until_the_release_manager_overrides_it()
    {
        SignInAs(Manager, Roles.ReleaseManager);
        var frozen = await new ReleaseGate.Core.Schedule.SaveFreeze(Database, Services.GetRequiredService<ReleaseGate.Core.Schedule.ICutoffCalendar>(),
                new ReleaseGate.Core.Schedule.ScheduleDefaults(), Time)
            .RunAsync(new ReleaseGate.Core.Schedule.FreezeForm(null, "year-end close", Now.AddHours(-1), Now.AddDays(1), null, null, null, ["shop"]), Manager,
                Xunit.TestContext.Current.CancellationToken);
        Assert.False(frozen.IsRefused, frozen.Refusal?.Message);
        var provider = RenderProviders();
        var page = RenderPage();
        page.Find(".release-restore").Click();
        provider.WaitForElement("#restore-reason");
        Assert.Empty(provider.FindAll(".restore-override")); // offered only once a freeze is in the way
        provider.Find("#restore-reason").Change("1.2.0 breaks checkout");
        provider.Find("#restore-confirm").Click();

        provider.WaitForAssertion(() => Assert.Contains("year-end close", provider.Find("#restore-error").TextContent));
        Assert.Empty(swarm.Calls);
        provider.Find(".restore-override input").Change(true);
        provider.Find("#restore-confirm").Click();

        page.WaitForElement("#releases-running");
        Assert.Single(swarm.Calls);
        await using var db = Database.CreateDbContext();
        var restore = await db.Releases.OrderBy(r => r.Id).LastAsync(Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(ReleaseKind.Restore, restore.Kind);
        Assert.Contains("year-end close", restore.Reason);
    }

    [Fact]
    public void The_page_and_the_dialog_speak_chinese()
    {
        var (ui, culture) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo("zh-CN");
        try
        {
            SignInAs(Manager, Roles.ReleaseManager);
            var provider = RenderProviders();
            var page = RenderPage();
            Assert.Contains("shop 的发布记录", page.Markup);
            Assert.Contains("已回滚", page.Markup);
            Assert.Contains("1 分 30 秒", page.Markup);
            page.Find(".release-restore").Click();
            provider.WaitForElement("#restore-confirm");
            Assert.Contains("将发生的变化", provider.Markup);
            Assert.Contains("当前生产版本", provider.Markup);
            Assert.DoesNotContain("What will change", provider.Markup);
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, culture);
        }
    }
}
