using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Web.Localization;

namespace ReleaseGate.Web.Tests;

/// <summary>The board's cutoffs count down by the second, on one timer for the whole table.</summary>
public class CountdownTests : ComponentTests
{
    private IRenderedComponent<BoardPage> BoardWithCutoffs(params string[] slugs)
    {
        using (var db = Database.CreateDbContext())
        {
            foreach (var slug in slugs) db.Applications.Add(App(slug));
            // Every day at 18:00 in Shanghai (10:00 UTC): one hour after Now.
            db.ReleaseWindows.Add(new ReleaseWindow { Name = "daily", Cron = "0 0 18 * * ?", TimeZoneId = "Asia/Shanghai" });
            db.SaveChanges();
        }
        var page = Render<BoardPage>();
        page.WaitForElement("#board");
        return page;
    }

    [Fact]
    public void Every_row_counts_down_every_second_as_time_passes()
    {
        var page = BoardWithCutoffs("billing", "orders-api");
        Assert.Equal(["in 01:00:00", "in 01:00:00"], page.FindAll(".countdown").Select(e => e.TextContent));

        Time.Advance(TimeSpan.FromSeconds(1));
        page.WaitForAssertion(() => Assert.Equal(["in 00:59:59", "in 00:59:59"], page.FindAll(".countdown").Select(e => e.TextContent)));

        Time.Advance(TimeSpan.FromSeconds(3));
        page.WaitForAssertion(() => Assert.Equal("in 00:59:56", page.Find(".countdown").TextContent));

        Time.Advance(TimeSpan.FromHours(1));
        page.WaitForAssertion(() => Assert.Equal("due now", page.Find(".countdown").TextContent));
    }

    [Fact]
    public void Shows_days_in_the_viewers_language()
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
        try
        {
            var text = Services.GetRequiredService<UiText>();
            Assert.Equal("还剩 2天 03:00:00", text.CountdownTo(Now.AddDays(2).AddHours(3), Now));
            Assert.Equal("即将截止", text.CountdownTo(Now, Now));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
