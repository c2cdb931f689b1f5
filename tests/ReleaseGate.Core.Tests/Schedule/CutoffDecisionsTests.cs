using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Schedule;
using static ReleaseGate.Core.Candidates.CandidatePhase;
using static ReleaseGate.Core.Schedule.CutoffAction;

namespace ReleaseGate.Core.Tests.Schedule;

public class CutoffDecisionsTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2027-03-01T08:00:00Z");

    /// <summary>Candidates registered in the order given (oldest first).</summary>
    private static List<CutoffCandidate> InOrder(params CandidatePhase[] phases) =>
        phases.Select((p, i) => new CutoffCandidate(Guid.CreateVersion7(), p, T0.AddHours(i))).ToList();

    private static CutoffAction? ActionOf(IReadOnlyList<CutoffDecision> decisions, CutoffCandidate c) =>
        decisions.Where(d => d.CandidateId == c.Id).Select(d => (CutoffAction?)d.Action).SingleOrDefault();

    public static TheoryData<CandidatePhase, CandidatePhase, bool> EveryPairOfPhases()
    {
        var data = new TheoryData<CandidatePhase, CandidatePhase, bool>();
        foreach (var older in Enum.GetValues<CandidatePhase>())
            foreach (var newer in Enum.GetValues<CandidatePhase>())
                foreach (var frozen in new[] { false, true })
                    data.Add(older, newer, frozen);
        return data;
    }

    /// <summary>The rules of DESIGN.md, written out again independently of the code under test.</summary>
    private static CutoffAction? Expected(CandidatePhase phase, bool isNewestApproved, bool inFlight, bool frozen) => phase switch
    {
        Registered or Deploying or DeployFailed or AwaitingSignOff => frozen ? HeldByFreeze : MissedCutoff,
        Approved when frozen => HeldByFreeze,
        Approved when inFlight => HeldByPromotion,
        Approved => isNewestApproved ? Promote : Supersede,
        _ => null, // terminal or past the gate: a cutoff leaves it alone
    };

    [Theory]
    [MemberData(nameof(EveryPairOfPhases))]
    public void Every_mix_of_two_phases_gets_the_designed_decision(CandidatePhase older, CandidatePhase newer, bool frozen)
    {
        var candidates = InOrder(older, newer);
        var inFlight = older is Promoting or RollingOut or RolloutPaused || newer is Promoting or RollingOut or RolloutPaused;

        var decisions = CutoffDecisions.Decide(candidates, frozen);

        Assert.Equal(Expected(newer, true, inFlight, frozen), ActionOf(decisions, candidates[1]));
        Assert.Equal(Expected(older, newer != Approved, inFlight, frozen), ActionOf(decisions, candidates[0]));
        Assert.True(decisions.Count(d => d.Action == Promote) <= 1);
    }

    [Fact]
    public void Cutoff_promotes_the_newest_approved_and_supersedes_the_older_approved_ones()
    {
        var c = InOrder(Approved, Approved, AwaitingSignOff, Approved, Rejected);

        var decisions = CutoffDecisions.Decide(c.AsEnumerable().Reverse(), frozen: false);

        Assert.Equal([Supersede, Supersede, MissedCutoff, Promote, null], c.Select(x => ActionOf(decisions, x)));
    }

    [Fact]
    public void Cutoff_inside_a_freeze_promotes_nothing_and_holds_every_waiting_or_approved_candidate()
    {
        var c = InOrder(Approved, Approved, DeployFailed, Released);

        var decisions = CutoffDecisions.Decide(c, frozen: true);

        Assert.Equal([HeldByFreeze, HeldByFreeze, HeldByFreeze, null], c.Select(x => ActionOf(decisions, x)));
    }

    [Fact]
    public void Cutoff_while_a_promotion_is_under_way_holds_the_approved_candidate()
    {
        var c = InOrder(RollingOut, Approved, Registered);

        var decisions = CutoffDecisions.Decide(c, frozen: false);

        Assert.Equal([null, HeldByPromotion, MissedCutoff], c.Select(x => ActionOf(decisions, x)));
    }

    [Fact]
    public void Cutoff_with_no_candidates_decides_nothing() => Assert.Empty(CutoffDecisions.Decide([], frozen: false));
}
