using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

public class SignOffDialogTests : ComponentTests
{
    private readonly Candidate candidate;

    public SignOffDialogTests()
    {
        AddUser("qa1@example.com", Roles.QA);
        AddUser("dev@example.com", Roles.QA);
        candidate = CandidateIn(App("orders-api"), CandidatePhase.AwaitingSignOff, "1.4.2");
        using var db = Database.CreateDbContext();
        db.Candidates.Add(candidate);
        db.SaveChanges();
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> OpenAsync(SignOffDecision decision, string user = "qa1@example.com")
    {
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<SignOffDialog>
        {
            { x => x.CandidateId, candidate.Id }, { x => x.Application, "orders-api" }, { x => x.Version, candidate.Version },
            { x => x.Digest, candidate.Digest }, { x => x.ConcurrencyToken, candidate.ConcurrencyToken },
            { x => x.Decision, decision }, { x => x.UserName, user },
        };
        var dialog = await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<SignOffDialog>(null, parameters));
        provider.WaitForElement("#signoff-confirm");
        return (provider, dialog);
    }

    private Candidate Stored()
    {
        using var db = Database.CreateDbContext();
        return db.Candidates.AsNoTracking().Include(c => c.SignOffs).Single(c => c.Id == candidate.Id);
    }

    [Fact]
    public async Task Approving_shows_the_digest_and_records_the_approval()
    {
        var (provider, dialog) = await OpenAsync(SignOffDecision.Approve);
        Assert.Equal(candidate.Digest, provider.Find("#signoff-digest").TextContent);

        provider.Find("#signoff-confirm").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken);
        Assert.False(result!.Canceled);
        Assert.Equal(CandidatePhase.Approved, Assert.IsType<SignOffRecorded>(result.Data).Phase);
        var stored = Stored();
        Assert.Equal(CandidatePhase.Approved, stored.Phase);
        Assert.Equal(candidate.Digest, Assert.Single(stored.SignOffs).Digest);
    }

    [Fact]
    public async Task Rejecting_without_a_comment_is_refused_in_the_dialog()
    {
        var (provider, dialog) = await OpenAsync(SignOffDecision.Reject);

        provider.Find("#signoff-confirm").Click();

        provider.WaitForAssertion(() => Assert.Contains("needs a comment", provider.Markup));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal(CandidatePhase.AwaitingSignOff, Stored().Phase);
        Assert.Empty(Stored().SignOffs);
    }

    [Fact]
    public async Task Rejecting_with_a_comment_records_the_rejection()
    {
        var (provider, dialog) = await OpenAsync(SignOffDecision.Reject);

        provider.Find("#signoff-comment").Input("The checkout page is blank.");
        provider.Find("#signoff-confirm").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken);
        Assert.False(result!.Canceled);
        var stored = Stored();
        Assert.Equal(CandidatePhase.Rejected, stored.Phase);
        Assert.Equal("The checkout page is blank.", Assert.Single(stored.SignOffs).Comment);
    }

    [Fact]
    public async Task The_submitters_approval_is_refused_with_a_message_that_says_why()
    {
        var (provider, dialog) = await OpenAsync(SignOffDecision.Approve, user: "dev@example.com");

        provider.Find("#signoff-confirm").Click();

        provider.WaitForAssertion(() => Assert.Contains("You submitted this candidate", provider.Find("#signoff-error").TextContent));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Empty(Stored().SignOffs);
    }
}
