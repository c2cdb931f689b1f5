using System.Globalization;
using Bunit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Components.Schedule;

namespace ReleaseGate.Web.Tests;

public class SchedulePageTests : ComponentTests
{
    private const string Manager = "rm@example.com";

    // Now is Thursday 2026-11-26 09:00 UTC; Friday 18:00 in Shanghai is 10:00 UTC, and the viewer's zone is UTC here.
    private void Seed(bool fromFile = false)
    {
        using var db = Database.CreateDbContext();
        var app = App("orders-api");
        db.Candidates.Add(CandidateIn(app, CandidatePhase.Approved, "1.4.2"));
        db.Candidates.Add(CandidateIn(app, CandidatePhase.AwaitingSignOff, "1.4.3"));
        db.ReleaseWindows.Add(new ReleaseWindow { Name = "Friday release", Cron = "0 0 18 ? * FRI", TimeZoneId = "Asia/Shanghai", DeclaredInFile = fromFile });
        db.Freezes.Add(new Freeze { Reason = "Year-end freeze", StartsAt = Now.AddDays(5), EndsAt = Now.AddDays(7) });
        db.SaveChanges();
    }

    private IRenderedComponent<SchedulePage> RenderPage()
    {
        var page = Render<SchedulePage>();
        page.WaitForElement("#schedule-month");
        return page;
    }

    [Fact]
    public void The_month_view_puts_each_friday_cutoff_of_a_recurring_window_on_its_day()
    {
        SignInAs("qa@example.com", Roles.QA);
        Seed();

        var page = RenderPage();

        foreach (var day in new[] { "2026-11-06", "2026-11-13", "2026-11-20", "2026-11-27", "2026-12-04" })
            Assert.NotNull(page.Find($"[data-day='{day}'] .rg-cutoff[data-window='Friday release']"));
        Assert.Empty(page.FindAll("[data-day='2026-11-26'] .rg-cutoff"));
        Assert.Contains("10:00", page.Find("[data-day='2026-11-27'] .rg-cutoff").TextContent);
    }

    [Fact]
    public void Days_a_freeze_touches_are_shaded_and_a_cutoff_inside_is_shown_frozen()
    {
        SignInAs("qa@example.com", Roles.QA);
        using (var db = Database.CreateDbContext())
        {
            db.ReleaseWindows.Add(new ReleaseWindow { Name = "Dec 2", CutoffAt = DateTimeOffset.Parse("2026-12-02T10:00:00Z") });
            db.Freezes.Add(new Freeze { Reason = "Conference", StartsAt = DateTimeOffset.Parse("2026-12-01T00:00:00Z"), EndsAt = DateTimeOffset.Parse("2026-12-03T00:00:00Z") });
            db.SaveChanges();
        }

        var page = RenderPage();

        Assert.Contains("rg-frozen", page.Find("[data-day='2026-12-01']").ClassName);
        Assert.Contains("rg-frozen", page.Find("[data-day='2026-12-02']").ClassName);
        Assert.DoesNotContain("rg-frozen", page.Find("[data-day='2026-11-30']").ClassName);
        Assert.DoesNotContain("rg-frozen", page.Find("[data-day='2026-12-03']").ClassName);
        Assert.Equal("Frozen", page.Find("[data-day='2026-12-02'] .rg-cutoff").GetAttribute("data-state"));
    }

    [Fact]
    public void The_next_cutoff_says_what_it_would_promote_and_what_would_miss_it()
    {
        SignInAs("qa@example.com", Roles.QA);
        Seed();

        var page = RenderPage();

        var next = page.FindAll("#upcoming-cutoffs .rg-upcoming")[0];
        Assert.Contains("orders-api 1.4.2", next.QuerySelector(".rg-promote")!.TextContent);
        Assert.Contains("orders-api 1.4.3", next.QuerySelector(".rg-miss")!.TextContent);
        Assert.Contains("Asia/Shanghai", next.TextContent);
    }

    [Fact]
    public void QA_reads_the_schedule_but_sees_no_edit_buttons()
    {
        SignInAs("qa@example.com", Roles.QA);
        Seed();

        var page = RenderPage();

        Assert.NotNull(page.Find("#windows [data-window='Friday release']"));
        Assert.Empty(page.FindAll("#new-window, #new-freeze, .edit-window, .delete-window, .delete-freeze, #release-now-menu"));
    }

    [Fact]
    public void A_window_from_the_applications_file_is_read_only_even_for_a_release_manager()
    {
        SignInAs(Manager, Roles.ReleaseManager);
        Seed(fromFile: true);

        var page = RenderPage();

        var row = page.Find("#windows [data-window='Friday release']");
        Assert.NotNull(row.QuerySelector(".rg-from-file"));
        Assert.Null(row.QuerySelector(".edit-window"));
        Assert.NotNull(page.Find("#new-window"));
    }

    [Fact]
    public void A_cron_that_never_fires_again_is_shown_under_the_cron_field()
    {
        SignInAs(Manager, Roles.ReleaseManager);
        var provider = RenderProviders();
        var page = RenderPage();

        page.Find("#new-window").Click();
        provider.WaitForElement("#window-save");
        provider.Find("#window-name").Change("Old window");
        provider.Find("#window-cron").Change("0 0 12 1 1 ? 2020");
        provider.Find("#window-save").Click();

        provider.WaitForAssertion(() => Assert.Contains("never fires again", provider.Find("#window-cron").Closest(".mud-input-control")!.TextContent));
        Assert.DoesNotContain("never fires again", provider.Find("#window-name").Closest(".mud-input-control")!.TextContent);
        using var db = Database.CreateDbContext();
        Assert.Empty(db.ReleaseWindows);
    }

    [Fact]
    public void An_unknown_zone_is_shown_under_the_zone_field_and_a_good_window_is_saved()
    {
        SignInAs(Manager, Roles.ReleaseManager);
        var provider = RenderProviders();
        var page = RenderPage();

        page.Find("#new-window").Click();
        provider.WaitForElement("#window-save");
        provider.Find("#window-name").Change("Friday release");
        provider.Find("#window-cron").Change("0 0 18 ? * FRI");
        provider.Find("#window-time-zone").Change("Mars/Olympus");
        provider.Find("#window-save").Click();
        provider.WaitForAssertion(() => Assert.Contains("not a known IANA time zone", provider.Find("#window-time-zone").Closest(".mud-input-control")!.TextContent));

        provider.Find("#window-time-zone").Change("Asia/Shanghai");
        provider.Find("#window-save").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-day='2026-11-27'] .rg-cutoff[data-window='Friday release']")));
    }

    [Fact]
    public void The_page_speaks_chinese()
    {
        var (ui, culture) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo("zh-CN");
        try
        {
            SignInAs("qa@example.com", Roles.QA);
            Seed();

            var page = RenderPage();

            Assert.Contains("发布计划", page.Markup);
            Assert.Contains("即将到来的截止时间", page.Markup);
            Assert.Contains("将发布", page.Markup);
            Assert.Contains("日历订阅", page.Markup);
            Assert.DoesNotContain("Upcoming cutoffs", page.Markup);
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, culture);
        }
    }
}
