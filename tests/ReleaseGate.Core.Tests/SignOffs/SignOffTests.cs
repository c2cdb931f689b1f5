using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core.Tests;

public class SignOffTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RefusalCode RefusalOf(Outcome<SignOffRecorded> outcome) => Assert.IsType<Refusal>(outcome.Refusal).Code;

    [Fact]
    public async Task Approval_by_qa_reaching_the_required_count_makes_the_candidate_approved()
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 1);

        var outcome = await world.SignOff().RunAsync(world.Approve("qa1@example.com", comment: "looks good"), Ct);

        Assert.Equal(new SignOffRecorded(CandidatePhase.Approved, 1, 1), outcome.Value);
        var c = await world.ReloadAsync();
        Assert.Equal(CandidatePhase.Approved, c.Phase);
        var vote = Assert.Single(c.SignOffs);
        Assert.Equal(("qa1@example.com", SignOffDecision.Approve, c.Digest, "looks good"), (vote.User, vote.Decision, vote.Digest, vote.Comment));
        Assert.Contains(c.Events, e => e.Kind == "Approval" && e.Actor == "qa1@example.com");
        Assert.Contains(c.Events, e => e.Kind == nameof(CandidatePhase.Approved));
        Assert.Contains(c.Id, world.Changes.Published);
        await using var db = world.Dbs.CreateDbContext();
        Assert.Equal("candidate.approve", (await db.AuditEvents.SingleAsync(Ct)).Action);
    }

    [Fact]
    public async Task Approval_mails_the_submitter_and_every_release_manager_in_both_languages()
    {
        await using var world = await SignOffWorld.CreateAsync();

        await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);

        await using var db = world.Dbs.CreateDbContext();
        var mail = await db.Outbox.SingleAsync(Ct);
        Assert.Equal("candidate-approved", mail.Kind);
        Assert.Equal(["dev@example.com", "rm@example.com"], mail.To.Order());
        Assert.Contains("approved", mail.TextBody);
        Assert.Contains("已被 QA 批准", mail.TextBody);
        Assert.Contains($"http://portal.example.com/candidates/{world.Candidate.Id}", mail.TextBody);
    }

    [Fact]
    public async Task A_submitter_named_as_git_writes_it_is_mailed_at_the_address_inside()
    {
        await using var world = await SignOffWorld.CreateAsync();
        await using (var db = world.Dbs.CreateDbContext())
            await db.Candidates.Where(c => c.Id == world.Candidate.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.SubmittedBy, "Han Meimei <han.meimei@example.com>"), Ct);

        await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);

        await using var read = world.Dbs.CreateDbContext();
        Assert.Equal(["han.meimei@example.com", "rm@example.com"], (await read.Outbox.SingleAsync(Ct)).To.Order());
    }

    [Fact]
    public async Task Approvals_below_the_required_count_keep_it_awaiting_sign_off_and_mail_nobody()
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 2);

        var first = await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);
        Assert.Equal(new SignOffRecorded(CandidatePhase.AwaitingSignOff, 1, 2), first.Value);
        await using (var db = world.Dbs.CreateDbContext()) Assert.Empty(await db.Outbox.ToListAsync(Ct));

        var token = (await world.ReloadAsync()).ConcurrencyToken;
        var second = await world.SignOff().RunAsync(world.Approve("qa2@example.com", token), Ct);
        Assert.Equal(new SignOffRecorded(CandidatePhase.Approved, 2, 2), second.Value);
    }

    [Fact]
    public async Task Rejection_makes_the_candidate_rejected_with_its_comment_and_mails_it()
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 2);

        var outcome = await world.SignOff().RunAsync(world.Reject("qa1@example.com", "  checkout page is blank  "), Ct);

        Assert.Equal(CandidatePhase.Rejected, Assert.IsType<SignOffRecorded>(outcome.Value).Phase);
        var c = await world.ReloadAsync();
        Assert.Equal(CandidatePhase.Rejected, c.Phase);
        Assert.Contains(c.Events, e => e.Kind == nameof(CandidatePhase.Rejected) && e.Message.Contains("checkout page is blank"));
        Assert.Equal("checkout page is blank", Assert.Single(c.SignOffs).Comment);
        await using var db = world.Dbs.CreateDbContext();
        var mail = await db.Outbox.SingleAsync(Ct);
        Assert.Equal("candidate-rejected", mail.Kind);
        Assert.Contains("checkout page is blank", mail.TextBody);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Rejection_without_a_comment_is_refused(string? comment)
    {
        await using var world = await SignOffWorld.CreateAsync();

        var outcome = await world.SignOff().RunAsync(world.Reject("qa1@example.com", comment), Ct);

        Assert.Equal(RefusalCode.Invalid, RefusalOf(outcome));
        Assert.Equal(CandidatePhase.AwaitingSignOff, (await world.ReloadAsync()).Phase);
    }

    [Fact]
    public async Task Approval_by_someone_without_the_qa_role_is_refused()
    {
        await using var world = await SignOffWorld.CreateAsync();

        var outcome = await world.SignOff().RunAsync(world.Approve("rm@example.com"), Ct);

        Assert.Equal(RefusalCode.MissingRole, RefusalOf(outcome));
        Assert.Empty((await world.ReloadAsync()).SignOffs);
    }

    [Fact]
    public async Task Approval_by_an_unknown_user_is_refused()
    {
        await using var world = await SignOffWorld.CreateAsync();
        Assert.Equal(RefusalCode.UnknownActor, RefusalOf(await world.SignOff().RunAsync(world.Approve("nobody@example.com"), Ct)));
    }

    [Fact]
    public async Task Approval_by_the_submitter_is_refused_whatever_the_case_of_the_address()
    {
        await using var world = await SignOffWorld.CreateAsync();

        var outcome = await world.SignOff().RunAsync(world.Approve("DEV@example.com"), Ct);

        var refused = Assert.IsType<Refusal>(outcome.Refusal);
        Assert.Equal(RefusalCode.Submitter, refused.Code);
        Assert.Contains("You submitted this candidate", refused.Message);
        Assert.Empty((await world.ReloadAsync()).SignOffs);
    }

    [Theory]
    [InlineData("Dev-By-Name")]
    [InlineData("DEV.OTHER@example.com")]
    [InlineData("Dev Other <dev.other@EXAMPLE.com>")]
    public async Task The_submitter_is_recognised_by_user_name_as_well_as_by_email(string submittedBy)
    {
        await using var world = await SignOffWorld.CreateAsync();
        await using (var db = world.Dbs.CreateDbContext())
            await db.Candidates.Where(c => c.Id == world.Candidate.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.SubmittedBy, submittedBy), Ct);

        Assert.Equal(RefusalCode.Submitter, RefusalOf(await world.SignOff().RunAsync(world.Approve("dev-by-name"), Ct)));
    }

    [Fact]
    public async Task A_second_vote_by_the_same_user_is_refused()
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 3);
        await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);
        var token = (await world.ReloadAsync()).ConcurrencyToken;

        var again = await world.SignOff().RunAsync(world.Reject("QA1@example.com", "changed my mind", token), Ct);

        Assert.Equal(RefusalCode.AlreadyVoted, RefusalOf(again));
        var c = await world.ReloadAsync();
        Assert.Single(c.SignOffs);
        Assert.Equal(CandidatePhase.AwaitingSignOff, c.Phase);
    }

    [Fact]
    public async Task A_vote_for_another_digest_is_refused()
    {
        await using var world = await SignOffWorld.CreateAsync();

        var outcome = await world.SignOff().RunAsync(world.Approve("qa1@example.com", digest: "sha256:" + new string('b', 64)), Ct);

        Assert.Equal(RefusalCode.WrongDigest, RefusalOf(outcome));
        Assert.Empty((await world.ReloadAsync()).SignOffs);
    }

    [Theory]
    [InlineData(CandidatePhase.Approved)]
    [InlineData(CandidatePhase.Promoting)]
    public async Task A_vote_outside_awaiting_sign_off_is_refused(CandidatePhase phase)
    {
        await using var world = await SignOffWorld.CreateAsync(phase: phase);

        var outcome = await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);

        Assert.Equal(RefusalCode.WrongPhase, RefusalOf(outcome));
        Assert.Equal(phase, (await world.ReloadAsync()).Phase);
    }

    [Fact]
    public async Task A_vote_on_a_page_that_is_out_of_date_is_refused_as_changed_meanwhile()
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 2);
        var seen = world.Candidate.ConcurrencyToken;
        await world.SignOff().RunAsync(world.Approve("qa1@example.com", seen), Ct);

        var late = await world.SignOff().RunAsync(world.Reject("qa2@example.com", "broken", seen), Ct);

        var refused = Assert.IsType<Refusal>(late.Refusal);
        Assert.Equal(RefusalCode.ChangedMeanwhile, refused.Code);
        Assert.Contains("reload", refused.Message);
        Assert.Equal(CandidatePhase.AwaitingSignOff, (await world.ReloadAsync()).Phase);
    }

    [Fact]
    public async Task A_vote_on_a_missing_candidate_is_refused()
    {
        await using var world = await SignOffWorld.CreateAsync();
        var request = world.Approve("qa1@example.com") with { CandidateId = Guid.NewGuid() };
        Assert.Equal(RefusalCode.NotFound, RefusalOf(await world.SignOff().RunAsync(request, Ct)));
    }

    [Theory]
    [InlineData(SignOffDecision.Approve, SignOffDecision.Approve)]
    [InlineData(SignOffDecision.Approve, SignOffDecision.Reject)]
    [InlineData(SignOffDecision.Reject, SignOffDecision.Reject)]
    public async Task Two_people_acting_at_once_one_wins_the_other_is_told_and_the_state_stays_whole(SignOffDecision first, SignOffDecision second)
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 1);
        // Both read the candidate before either writes: the second write must hit the concurrency token.
        var clock = new RendezvousClock(2, SignOffWorld.Now);
        SignOffRequest Vote(string user, SignOffDecision d) => d == SignOffDecision.Approve ? world.Approve(user) : world.Reject(user, $"no from {user}");

        var outcomes = await Task.WhenAll(
            Task.Run(() => world.SignOff(clock).RunAsync(Vote("qa1@example.com", first), Ct), Ct),
            Task.Run(() => world.SignOff(clock).RunAsync(Vote("qa2@example.com", second), Ct), Ct));

        var winner = Assert.Single(outcomes, o => !o.IsRefused).Value!;
        Assert.Equal(RefusalCode.ChangedMeanwhile, RefusalOf(Assert.Single(outcomes, o => o.IsRefused)));
        var c = await world.ReloadAsync();
        var vote = Assert.Single(c.SignOffs);
        Assert.Equal(winner.Phase, c.Phase);
        Assert.Equal(vote.Decision == SignOffDecision.Approve ? CandidatePhase.Approved : CandidatePhase.Rejected, c.Phase);
        await using var db = world.Dbs.CreateDbContext();
        Assert.Single(await db.AuditEvents.ToListAsync(Ct));
        Assert.Single(await db.Outbox.ToListAsync(Ct));
    }
}
