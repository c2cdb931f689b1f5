using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core.Tests;

public class WithdrawApprovalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Withdrawing_below_the_required_count_puts_an_approved_candidate_back_to_awaiting_sign_off()
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 1);
        await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);
        var token = (await world.ReloadAsync()).ConcurrencyToken;

        var outcome = await world.Withdraw().RunAsync(world.Candidate.Id, "qa1@example.com", token, Ct);

        Assert.Equal(new SignOffRecorded(CandidatePhase.AwaitingSignOff, 0, 1), outcome.Value);
        var c = await world.ReloadAsync();
        Assert.Equal(CandidatePhase.AwaitingSignOff, c.Phase);
        Assert.Equal(SignOffWorld.Now, Assert.Single(c.SignOffs).WithdrawnAt);
        Assert.Contains(c.Events, e => e.Kind == "ApprovalWithdrawn" && e.Actor == "qa1@example.com");
        await using var db = world.Dbs.CreateDbContext();
        Assert.Contains(await db.AuditEvents.ToListAsync(Ct), a => a.Action == "candidate.approval-withdrawn");
    }

    [Fact]
    public async Task A_withdrawn_approval_frees_the_vote_for_a_new_one()
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 2);
        await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);
        await world.Withdraw().RunAsync(world.Candidate.Id, "qa1@example.com", (await world.ReloadAsync()).ConcurrencyToken, Ct);

        var outcome = await world.SignOff().RunAsync(world.Reject("qa1@example.com", "found a bug", (await world.ReloadAsync()).ConcurrencyToken), Ct);

        Assert.Equal(CandidatePhase.Rejected, Assert.IsType<SignOffRecorded>(outcome.Value).Phase);
    }

    [Fact]
    public async Task Withdrawing_once_promotion_started_is_refused()
    {
        await using var world = await SignOffWorld.CreateAsync(phase: CandidatePhase.Promoting);
        await using (var db = world.Dbs.CreateDbContext())
        {
            db.SignOffs.Add(new SignOff { CandidateId = world.Candidate.Id, Digest = world.Candidate.Digest, User = "qa1@example.com", At = SignOffWorld.Now });
            await db.SaveChangesAsync(Ct);
        }

        var outcome = await world.Withdraw().RunAsync(world.Candidate.Id, "qa1@example.com", world.Candidate.ConcurrencyToken, Ct);

        Assert.Equal(RefusalCode.WrongPhase, Assert.IsType<Refusal>(outcome.Refusal).Code);
        Assert.Null(Assert.Single((await world.ReloadAsync()).SignOffs).WithdrawnAt);
    }

    [Fact]
    public async Task Only_ones_own_approval_can_be_withdrawn()
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 2);
        await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);

        var outcome = await world.Withdraw().RunAsync(world.Candidate.Id, "qa2@example.com", (await world.ReloadAsync()).ConcurrencyToken, Ct);

        Assert.Equal(RefusalCode.NothingToWithdraw, Assert.IsType<Refusal>(outcome.Refusal).Code);
    }

    [Fact]
    public async Task Withdrawing_from_an_out_of_date_page_is_refused_as_changed_meanwhile()
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 2);
        await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);
        var seen = (await world.ReloadAsync()).ConcurrencyToken;
        await world.SignOff().RunAsync(world.Approve("qa2@example.com", seen), Ct);

        var outcome = await world.Withdraw().RunAsync(world.Candidate.Id, "qa1@example.com", seen, Ct);

        Assert.Equal(RefusalCode.ChangedMeanwhile, Assert.IsType<Refusal>(outcome.Refusal).Code);
        Assert.Equal(CandidatePhase.Approved, (await world.ReloadAsync()).Phase);
    }
}
