using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>The real portal for the people's API: people with tokens, and candidates put straight into a phase.</summary>
public class PeoplePortal : ApiPortal
{
    public const string Digest = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
    private int port = 19500;

    /// <summary>An account with these roles and a fresh token of theirs.</summary>
    public async Task<string> PersonWithTokenAsync(string email, params string[] roles)
    {
        await CreateUserAsync(email, roles);
        return await TokenForAsync(email);
    }

    /// <summary>A token of the person, made as they would on their account page; by default with every scope a token of that life may have.</summary>
    public async Task<string> TokenForAsync(string email, int? days = null, string[]? scopes = null)
    {
        using var scope = Services.CreateScope();
        scopes ??= days > ReleaseGate.Core.Access.TokenScopes.AdminMaxDays ? ReleaseGate.Core.Access.TokenScopes.Legacy : ReleaseGate.Core.Access.TokenScopes.All;
        var outcome = await scope.ServiceProvider.GetRequiredService<CreateToken>().RunAsync(email, email, "tests", days ?? ReleaseGate.Core.Access.TokenScopes.AdminMaxDays, scopes);
        return outcome.Value?.Token ?? throw new InvalidOperationException(outcome.Refusal!.Message);
    }

    public async Task DisableAsync(string email)
    {
        using var scope = Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email);
        var outcome = await scope.ServiceProvider.GetRequiredService<ChangeUser>().RunAsync(user!.Id, UserChange.Disable, AdminEmail);
        if (outcome.IsRefused) throw new InvalidOperationException(outcome.Refusal!.Message);
    }

    /// <summary>A client that sends the token as a bearer.</summary>
    public HttpClient As(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A candidate of a fresh application, taken through the phase table to <paramref name="phase"/>.</summary>
    public async Task<Candidate> CandidateInAsync(CandidatePhase phase, CommitChange[]? changes = null, bool allowCommitAuthors = false,
        int requiredApprovals = 1, string submittedBy = "dev@example.com")
    {
        var slug = $"app-{Guid.NewGuid():N}"[..20];
        var app = new Application
        {
            Slug = slug, DisplayName = slug, StagingRepository = $"127.0.0.1:5001/{slug}", ProductionRepository = $"127.0.0.1:5002/{slug}",
            SwarmService = slug, RequiredApprovals = requiredApprovals, AllowCommitAuthorsToApprove = allowCommitAuthors,
            TestEnvironment = new TestEnvironmentSpec { ContainerName = slug, PublishedPort = Interlocked.Increment(ref port) },
        };
        var c = new Candidate
        {
            Application = app, Version = "1.0.0", Digest = Digest, Commit = "0123456789abcdef", SubmittedBy = submittedBy,
            RegisteredAt = DateTimeOffset.UtcNow, Changes = [.. changes ?? []],
        };
        CandidatePhase[] path = phase switch
        {
            CandidatePhase.Registered => [],
            CandidatePhase.DeployFailed => [CandidatePhase.Deploying, CandidatePhase.DeployFailed],
            CandidatePhase.AwaitingSignOff => [CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff],
            CandidatePhase.Rejected => [CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff, CandidatePhase.Rejected],
            _ => throw new ArgumentOutOfRangeException(nameof(phase)),
        };
        foreach (var step in path) c.MoveTo(step, DateTimeOffset.UtcNow, "system", step.ToString());
        await using var db = CreateDb();
        db.Candidates.Add(c);
        await db.SaveChangesAsync();
        return c;
    }
}
