using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Tests;

/// <summary>A database with users in roles and one candidate awaiting sign-off, and the sign-off use cases over it.</summary>
internal sealed class SignOffWorld : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T10:00:00Z");
    public const string Submitter = "dev@example.com";

    private SignOffWorld(TestDatabase dbs) => Dbs = dbs;

    public TestDatabase Dbs { get; }
    public FakeTimeProvider Time { get; } = new(Now);
    public RecordedChanges Changes { get; } = new();
    public PortalLinks Links { get; } = new(new Uri("http://portal.example.com/"));
    public Candidate Candidate { get; private set; } = null!;

    public SignOffCandidate SignOff(TimeProvider? time = null) => new(Dbs, Changes, time ?? Time, Links);
    public WithdrawApproval Withdraw() => new(Dbs, Changes, Time);

    public static async Task<SignOffWorld> CreateAsync(int requiredApprovals = 1, CandidatePhase phase = CandidatePhase.AwaitingSignOff,
        CommitChange[]? changes = null, bool allowCommitAuthors = false)
    {
        var world = new SignOffWorld(await TestDatabase.CreateAsync());
        await using var db = world.Dbs.CreateDbContext();
        foreach (var role in Roles.All) db.Roles.Add(new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() });
        await db.SaveChangesAsync();
        await world.AddUserAsync(db, "qa1@example.com", Roles.QA);
        await world.AddUserAsync(db, "qa2@example.com", Roles.QA);
        await world.AddUserAsync(db, "qa3@example.com", Roles.QA);
        await world.AddUserAsync(db, Submitter, Roles.QA);
        await world.AddUserAsync(db, "dev-by-name", Roles.QA, email: "dev.other@example.com");
        await world.AddUserAsync(db, "rm@example.com", Roles.ReleaseManager);

        var app = Build.Application();
        app.RequiredApprovals = requiredApprovals;
        app.AllowCommitAuthorsToApprove = allowCommitAuthors;
        var candidate = Build.Candidate(app);
        candidate.Changes.AddRange(changes ?? []);
        candidate.MoveTo(CandidatePhase.Deploying, Now, "system", "deploying");
        candidate.MoveTo(CandidatePhase.AwaitingSignOff, Now, "system", "ready");
        if (phase is CandidatePhase.Approved or CandidatePhase.Promoting) candidate.MoveTo(CandidatePhase.Approved, Now, "system", "approved");
        if (phase == CandidatePhase.Promoting) candidate.MoveTo(CandidatePhase.Promoting, Now, "system", "promoting");
        db.Candidates.Add(candidate);
        await db.SaveChangesAsync();
        world.Candidate = candidate;
        return world;
    }

    public async Task AddUserAsync(string userName, string role, string? email = null)
    {
        await using var db = Dbs.CreateDbContext();
        await AddUserAsync(db, userName, role, email);
    }

    private async Task AddUserAsync(Data.ReleaseGateDb db, string userName, string role, string? email = null)
    {
        var user = new PortalUser { UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), Email = email ?? userName };
        db.Users.Add(user);
        var roleId = await db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync();
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roleId });
        await db.SaveChangesAsync();
    }

    /// <summary>The candidate as the database has it now.</summary>
    public async Task<Candidate> ReloadAsync()
    {
        await using var db = Dbs.CreateDbContext();
        return await db.Candidates.AsNoTracking().Include(c => c.Events).Include(c => c.SignOffs).SingleAsync(c => c.Id == Candidate.Id);
    }

    public SignOffRequest Approve(string user, Guid? token = null, string? digest = null, string? comment = null) =>
        new(Candidate.Id, user, SignOffDecision.Approve, comment, digest ?? Candidate.Digest, token ?? Candidate.ConcurrencyToken);

    public SignOffRequest Reject(string user, string? comment, Guid? token = null) =>
        new(Candidate.Id, user, SignOffDecision.Reject, comment, Candidate.Digest, token ?? Candidate.ConcurrencyToken);

    public ValueTask DisposeAsync() => Dbs.DisposeAsync();
}

internal sealed class RecordedChanges : ICandidateChanges
{
    public List<Guid> Published { get; } = [];
    void ICandidateChanges.Published(Guid candidateId) { lock (Published) Published.Add(candidateId); }
}

/// <summary>Holds every caller at the clock until all have come, so their reads happen before any of them writes.</summary>
internal sealed class RendezvousClock(int parties, DateTimeOffset now) : TimeProvider
{
    private readonly Barrier barrier = new(parties);

    public override DateTimeOffset GetUtcNow()
    {
        if (!barrier.SignalAndWait(TimeSpan.FromSeconds(10))) throw new TimeoutException("The racers never met.");
        return now;
    }
}
