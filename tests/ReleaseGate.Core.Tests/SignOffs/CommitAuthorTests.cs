using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core.Tests;

/// <summary>Four eyes: a QA who wrote a commit of the candidate does not approve it, unless the application allows it.</summary>
public class CommitAuthorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly CommitChange[] Changes =
    [
        new("1111111", "Qa1@Example.com", "Fix the total"),
        new("2222222", "dev-by-name", "Rename a field"),
    ];

    [Fact]
    public async Task A_commit_author_by_mail_is_refused_like_the_submitter()
    {
        await using var world = await SignOffWorld.CreateAsync(changes: Changes);

        var outcome = await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);

        var refusal = Assert.IsType<Refusal>(outcome.Refusal);
        Assert.Equal(RefusalCode.CommitAuthor, refusal.Code);
        Assert.Contains("commits", refusal.Problems[0].Message);
        Assert.Contains("提交的作者", refusal.Problems[0].MessageZh);
        Assert.Empty((await world.ReloadAsync()).SignOffs);
    }

    [Theory]
    [InlineData("QA One <Qa1@Example.com>")]
    [InlineData("  qa1@example.COM ")]
    public async Task A_commit_author_as_git_writes_it_is_refused(string author)
    {
        await using var world = await SignOffWorld.CreateAsync(changes: [new("3333333", author, "Tweak the basket")]);

        var outcome = await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);

        Assert.Equal(RefusalCode.CommitAuthor, Assert.IsType<Refusal>(outcome.Refusal).Code);
    }

    [Fact]
    public async Task A_git_author_whose_name_is_a_user_name_but_whose_email_is_another_does_not_count()
    {
        await using var world = await SignOffWorld.CreateAsync(changes: [new("3333333", "dev-by-name <someone@example.org>", "Tweak")]);

        var outcome = await world.SignOff().RunAsync(world.Approve("dev-by-name"), Ct);

        Assert.Equal(CandidatePhase.Approved, outcome.Value!.Phase);
    }

    [Fact]
    public async Task A_commit_author_by_user_name_is_refused()
    {
        await using var world = await SignOffWorld.CreateAsync(changes: Changes);

        var outcome = await world.SignOff().RunAsync(world.Approve("dev-by-name"), Ct);

        Assert.Equal(RefusalCode.CommitAuthor, Assert.IsType<Refusal>(outcome.Refusal).Code);
    }

    [Fact]
    public async Task A_commit_author_may_still_reject()
    {
        await using var world = await SignOffWorld.CreateAsync(changes: Changes);

        var outcome = await world.SignOff().RunAsync(world.Reject("qa1@example.com", "my own change breaks checkout"), Ct);

        Assert.Equal(CandidatePhase.Rejected, outcome.Value!.Phase);
    }

    [Fact]
    public async Task An_application_that_allows_it_lets_a_commit_author_approve()
    {
        await using var world = await SignOffWorld.CreateAsync(changes: Changes, allowCommitAuthors: true);

        var outcome = await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);

        Assert.Equal(CandidatePhase.Approved, outcome.Value!.Phase);
    }

    [Fact]
    public async Task Without_a_concurrency_token_the_vote_is_taken_against_the_current_candidate()
    {
        await using var world = await SignOffWorld.CreateAsync(requiredApprovals: 2);
        await world.SignOff().RunAsync(world.Approve("qa1@example.com"), Ct);

        var request = world.Approve("qa2@example.com") with { ConcurrencyToken = null };
        var outcome = await world.SignOff().RunAsync(request, Ct);

        Assert.Equal(CandidatePhase.Approved, outcome.Value!.Phase);
    }
}
