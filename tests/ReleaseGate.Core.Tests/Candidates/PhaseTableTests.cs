using ReleaseGate.Core.Candidates;

namespace ReleaseGate.Core.Tests;

public class PhaseTableTests
{
    // The table from DESIGN.md, written out again on purpose: the code must match the design, not itself.
    private static readonly Dictionary<CandidatePhase, CandidatePhase[]> Design = new()
    {
        [CandidatePhase.Registered] = [CandidatePhase.Deploying, CandidatePhase.Superseded],
        [CandidatePhase.Deploying] = [CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed, CandidatePhase.Superseded],
        [CandidatePhase.DeployFailed] = [CandidatePhase.Deploying, CandidatePhase.Superseded],
        [CandidatePhase.AwaitingSignOff] = [CandidatePhase.Approved, CandidatePhase.Rejected, CandidatePhase.Superseded],
        [CandidatePhase.Approved] = [CandidatePhase.Promoting, CandidatePhase.Superseded, CandidatePhase.AwaitingSignOff],
        [CandidatePhase.Rejected] = [],
        [CandidatePhase.Superseded] = [],
        [CandidatePhase.Promoting] = [CandidatePhase.RollingOut, CandidatePhase.Errored],
        [CandidatePhase.RollingOut] = [CandidatePhase.Released, CandidatePhase.RolledBack, CandidatePhase.RolloutPaused, CandidatePhase.Errored],
        [CandidatePhase.RolloutPaused] = [CandidatePhase.RollingOut, CandidatePhase.RolledBack],
        [CandidatePhase.RolledBack] = [],
        [CandidatePhase.Errored] = [CandidatePhase.Promoting, CandidatePhase.RollingOut],
        [CandidatePhase.Released] = [],
    };

    public static TheoryData<CandidatePhase, CandidatePhase> EveryPair()
    {
        var data = new TheoryData<CandidatePhase, CandidatePhase>();
        foreach (var from in Enum.GetValues<CandidatePhase>())
            foreach (var to in Enum.GetValues<CandidatePhase>())
                data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void A_move_succeeds_exactly_when_the_design_allows_it(CandidatePhase from, CandidatePhase to)
    {
        var candidate = Build.CandidateIn(from);
        var allowed = Design[from].Contains(to);
        var at = DateTimeOffset.Parse("2026-11-26T10:00:00Z");

        if (allowed)
        {
            candidate.MoveTo(to, at, "test", "move");
            Assert.Equal(to, candidate.Phase);
            Assert.Equal(at, candidate.PhaseChangedAt);
            Assert.Equal(to.ToString(), candidate.Events[^1].Kind);
        }
        else
        {
            var error = Assert.Throws<PhaseTransitionException>(() => candidate.MoveTo(to, at, "test", "move"));
            Assert.Equal((from, to), (error.From, error.To));
            Assert.Equal(from, candidate.Phase);
        }
    }

    [Fact]
    public void Terminal_phases_are_those_with_no_way_out()
    {
        var terminal = Enum.GetValues<CandidatePhase>().Where(p => p.IsTerminal()).ToHashSet();
        Assert.Equal(
            new HashSet<CandidatePhase> { CandidatePhase.Rejected, CandidatePhase.Superseded, CandidatePhase.RolledBack, CandidatePhase.Released },
            terminal);
    }

    [Fact]
    public void Business_and_technical_failures_are_kept_apart()
    {
        var business = Enum.GetValues<CandidatePhase>().Where(p => p.IsBusinessFailure());
        var technical = Enum.GetValues<CandidatePhase>().Where(p => p.IsTechnicalFailure());
        Assert.Equal([CandidatePhase.Rejected, CandidatePhase.RolledBack], business);
        Assert.Equal([CandidatePhase.DeployFailed, CandidatePhase.Errored], technical);
    }

    [Fact]
    public void Every_move_changes_the_concurrency_token()
    {
        var candidate = Build.CandidateIn(CandidatePhase.Registered);
        var before = candidate.ConcurrencyToken;
        candidate.MoveTo(CandidatePhase.Deploying, DateTimeOffset.UnixEpoch, "test", "deploy");
        Assert.NotEqual(before, candidate.ConcurrencyToken);
    }
}
