using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.SignOffs;
using static ReleaseGate.Core.Tests.Schedule.ScheduleWorld;

namespace ReleaseGate.Core.Tests.Schedule;

public class ReminderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Cutoff = Now.AddHours(4);

    [Fact]
    public async Task Each_qa_member_gets_one_mail_listing_only_what_still_waits_for_them()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("once", Cutoff);
        var orders = await world.AddCandidateAsync(world.Orders, CandidatePhase.AwaitingSignOff, "1.0.0");
        // qa1 has already voted on billing's candidate; it still waits for another vote.
        var billing = await world.AddCandidateAsync(world.Billing, CandidatePhase.AwaitingSignOff, "2.0.0", approvedBy: Qa1);
        await world.AddCandidateAsync(world.Billing, CandidatePhase.Approved, "1.9.0", minutesAgo: 300);

        var report = (await world.Reminders().RunAsync(window.Id, Cutoff, Ct)).Value!;

        Assert.Equal([orders.Id], report.Reminded[Qa1]);
        Assert.Equal([orders.Id, billing.Id], report.Reminded[Qa2]);
        // The submitter is QA too, but is never asked to sign off their own candidates; a disabled account gets nothing.
        Assert.False(report.Reminded.ContainsKey(Submitter));
        Assert.False(report.Reminded.ContainsKey(DisabledQa));
        var mails = await world.MailsAsync("cutoff-reminder");
        Assert.Equal([Qa1, Qa2], mails.SelectMany(m => m.To).Order());
        var toQa2 = mails.Single(m => m.To.Contains(Qa2));
        Assert.Contains($"http://portal.example.com/candidates/{orders.Id}", toQa2.TextBody);
        Assert.Contains($"http://portal.example.com/candidates/{billing.Id}", toQa2.TextBody);
        Assert.DoesNotContain("1.9.0", toQa2.TextBody);
    }

    [Fact]
    public async Task Reminders_for_a_cutoff_are_sent_once()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("once", Cutoff);
        await world.AddCandidateAsync(world.Orders, CandidatePhase.AwaitingSignOff, "1.0.0");

        await world.Reminders().RunAsync(window.Id, Cutoff, Ct);
        var again = (await world.Reminders().RunAsync(window.Id, Cutoff, Ct)).Value!;

        Assert.True(again.AlreadyHandled);
        Assert.Equal(2, (await world.MailsAsync("cutoff-reminder")).Count);
    }

    [Fact]
    public async Task Reminders_cover_only_the_windows_applications()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("billing only", Cutoff, apps: "billing");
        await world.AddCandidateAsync(world.Orders, CandidatePhase.AwaitingSignOff, "1.0.0");

        var report = (await world.Reminders().RunAsync(window.Id, Cutoff, Ct)).Value!;

        Assert.Empty(report.Reminded);
        Assert.Empty(await world.MailsAsync());
    }
}
