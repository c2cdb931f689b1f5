using System.Diagnostics;

namespace ReleaseGate.Faults;

/// <summary>The SMTP server is down for the whole of a release: the release is not held up, and every mail arrives once after it returns.</summary>
public class SmtpDownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_mail_of_a_release_made_while_SMTP_is_down_arrives_once_after_it_returns()
    {
        await using var world = await ChainWorld.CreateAsync(1);
        await world.Mail.StopAsync();
        await world.Portal.StartAsync();
        var slug = world.Applications[0];

        var id = await world.DriveAsync(slug);

        Assert.Equal("Released", world.State(id).Phase);
        Assert.Empty(world.Mail.Received);
        var waiting = world.Count("SELECT COUNT(*) FROM Outbox WHERE SentAt IS NULL");
        var failed = world.Count("SELECT COALESCE(SUM(Attempts), 0) FROM Outbox");
        // Ready to test, approved, the cutoff of "release now", released.
        Assert.Equal(4, waiting);

        var back = Stopwatch.StartNew();
        world.Mail.Start();
        await world.SettleMailAsync(120);
        var mails = world.MailsOf(slug);
        var once = mails.Values.Count(m => m is (1, 1));
        var figure = $"figure: {once}/{waiting} mails arrived once after SMTP returned ({failed} failed attempts while it was down; the last one {back.Elapsed.TotalSeconds:0} s after it returned)";
        output.WriteLine(figure);
        Assert.Equal(waiting, mails.Count);
        Assert.Equal(waiting, once);
    }
}
