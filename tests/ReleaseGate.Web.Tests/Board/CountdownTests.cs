using System.Globalization;
using Bunit;

namespace ReleaseGate.Web.Tests;

public class CountdownTests : ComponentTests
{
    [Fact]
    public void Counts_down_every_second_as_time_passes()
    {
        var countdown = Render<Countdown>(p => p.Add(x => x.At, Now.AddHours(1).AddSeconds(5)));
        Assert.Equal("in 01:00:05", countdown.Find(".countdown").TextContent);

        Time.Advance(TimeSpan.FromSeconds(1));
        countdown.WaitForAssertion(() => Assert.Equal("in 01:00:04", countdown.Find(".countdown").TextContent));

        Time.Advance(TimeSpan.FromSeconds(3));
        countdown.WaitForAssertion(() => Assert.Equal("in 01:00:01", countdown.Find(".countdown").TextContent));

        Time.Advance(TimeSpan.FromHours(1).Add(TimeSpan.FromSeconds(1)));
        countdown.WaitForAssertion(() => Assert.Equal("due now", countdown.Find(".countdown").TextContent));
    }

    [Fact]
    public void Shows_days_in_the_viewers_language()
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
        try
        {
            var countdown = Render<Countdown>(p => p.Add(x => x.At, Now.AddDays(2).AddHours(3)));
            Assert.Equal("还剩 2天 03:00:00", countdown.Find(".countdown").TextContent);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void Stops_its_timer_when_removed()
    {
        var countdown = Render<Countdown>(p => p.Add(x => x.At, Now.AddHours(1)));
        countdown.Instance.Dispose();
        Time.Advance(TimeSpan.FromSeconds(5)); // a disposed timer would re-render a removed component and throw here
    }
}
