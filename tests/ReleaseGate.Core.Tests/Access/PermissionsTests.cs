using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Builds;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Development;
using ReleaseGate.Core.Integrations;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Tests;

/// <summary>One account per kind of caller, one integration, and a candidate the sign-off use cases can look at.</summary>
public sealed class AccessWorld : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T10:00:00Z");
    public const string KeyId = "jenkins-1";
    public TestDatabase Dbs { get; private set; } = null!;
    public FakeTimeProvider Time { get; } = new(Now);
    public Candidate Candidate { get; } = Build.CandidateIn(CandidatePhase.AwaitingSignOff);

    public async ValueTask InitializeAsync()
    {
        Dbs = await TestDatabase.CreateAsync();
        Dbs.WithUser("viewer@example.com", Roles.Viewer).WithUser("qa@example.com", Roles.QA).WithUser("rm@example.com", Roles.ReleaseManager).WithUser("admin@example.com", Roles.Admin)
            .WithUser("disabled@example.com", Roles.All).WithUser("demoted@example.com", Roles.All);
        await using var db = Dbs.CreateDbContext();
        db.Users.Single(u => u.UserName == "disabled@example.com").LockoutEnd = DateTimeOffset.MaxValue;
        // Demoted: every role taken away after the account was made.
        var demoted = db.Users.Single(u => u.UserName == "demoted@example.com").Id;
        db.UserRoles.RemoveRange(db.UserRoles.Where(r => r.UserId == demoted));
        db.Integrations.Add(new Integration { KeyId = KeyId, ProtectedSecret = "x", CreatedAt = Now, Applications = [Integration.EveryApplication] });
        db.Integrations.Add(new Integration { KeyId = "revoked", ProtectedSecret = "x", CreatedAt = Now, RevokedAt = Now });
        db.Candidates.Add(Candidate);
        await db.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync() => await Dbs.DisposeAsync();
}

public class PermissionsTests(AccessWorld world) : IClassFixture<AccessWorld>
{
    // The specification, written out once more by hand: a change to the table must change this grid too.
    private const string Grid = """
        action              Viewer  QA  ReleaseManager  Admin  integration  anonymous
        ReadBoard           x       x   x               x      .            .
        ReadApplications    x       x   x               x      x            .
        ReadCandidates      x       x   x               x      x            .
        ReadReleases        x       x   x               x      .            .
        ReadSchedule        x       x   x               x      .            .
        ReadSwarm           x       x   x               x      .            .
        ReadAudit           .       .   x               x      .            .
        Approve             .       x   .               .      .            .
        Reject              .       x   .               .      .            .
        WithdrawApproval    .       x   .               .      .            .
        Redeploy            .       x   x               .      .            .
        EditSchedule        .       .   x               .      .            .
        RetryPromotion      .       .   x               .      .            .
        ReleaseNow          .       .   x               .      .            .
        Restore             .       .   x               .      .            .
        ResumeRollout       .       .   x               .      .            .
        RollBack            .       .   x               .      .            .
        Scale               .       .   x               x      .            .
        ManageApplications  .       .   .               x      .            .
        ManageIntegrations  .       .   .               x      .            .
        ManageUsers         .       .   .               x      .            .
        RemoveService       .       .   .               x      .            .
        RegisterCandidate   .       .   .               .      x            .
        ReportBuild         .       .   .               .      x            .
        DeployDevelopment   .       .   .               .      x            .
        """;

    /// <summary>Callers: the principal of the table each one is (null: none, whatever roles the account once had).</summary>
    private static readonly Dictionary<string, string?> Callers = new()
    {
        ["viewer@example.com"] = Roles.Viewer, ["qa@example.com"] = Roles.QA, ["rm@example.com"] = Roles.ReleaseManager, ["admin@example.com"] = Roles.Admin,
        ["disabled@example.com"] = null, ["demoted@example.com"] = null, [AccessWorld.KeyId] = Principals.Integration,
        ["revoked"] = null, [""] = Principals.Anonymous,
    };

    private static bool Expected(PortalAction action, string caller)
    {
        var rows = Grid.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var row = rows.Single(r => r.StartsWith(action + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return Callers[caller] is { } principal && row[Array.IndexOf(header, principal)] == "x";
    }

    public static TheoryData<PortalAction, string> Cases()
    {
        var data = new TheoryData<PortalAction, string>();
        foreach (var action in Enum.GetValues<PortalAction>())
            foreach (var caller in Callers.Keys) data.Add(action, caller);
        return data;
    }

    [Fact]
    public void The_table_is_the_grid()
    {
        foreach (var action in Enum.GetValues<PortalAction>())
            foreach (var principal in Principals.All)
                Assert.True(Expected(action, Callers.Single(c => c.Value == principal).Key) == Permissions.Allows(action, principal), $"{action} × {principal}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Only_the_tables_cells_pass_through_core(PortalAction action, string caller)
    {
        var allowed = await PassesAsync(action, caller);
        Assert.True(allowed == Expected(action, caller), $"{action} by '{caller}': {(allowed ? "passed" : "refused")}");
    }

    private static readonly RefusalCode[] AccessCodes = [RefusalCode.MissingRole, RefusalCode.AccountDisabled, RefusalCode.UnknownActor];

    /// <summary>Asks Core: the use case itself where it exists today (refused later for another reason is a pass), else Actor.</summary>
    private async Task<bool> PassesAsync(PortalAction action, string caller)
    {
        var ct = TestContext.Current.CancellationToken;
        var dbs = world.Dbs;
        var c = world.Candidate;
        Refusal? refusal = action switch
        {
            PortalAction.Approve or PortalAction.Reject => (await new SignOffCandidate(dbs, new RecordedChanges(), world.Time, new PortalLinks(new Uri("http://portal/")))
                .RunAsync(new SignOffRequest(c.Id, caller, action == PortalAction.Approve ? SignOffDecision.Approve : SignOffDecision.Reject, "why", c.Digest, Guid.Empty), ct)).Refusal,
            PortalAction.WithdrawApproval => (await new WithdrawApproval(dbs, new RecordedChanges(), world.Time).RunAsync(c.Id, caller, Guid.Empty, ct)).Refusal,
            PortalAction.Redeploy => (await new RedeployCandidate(dbs, null!, new RecordedChanges(), world.Time).RunAsync(Guid.NewGuid(), caller, ct)).Refusal,
            PortalAction.ManageApplications => (await new DeleteApplication(dbs, world.Time).RunAsync(-1, caller, ct)).Refusal,
            PortalAction.RegisterCandidate => (await new RegisterCandidate(dbs, null!, null!, null!, world.Time).RunAsync(
                new CandidateRegistration("no-such-app", "r", "t", null, "c", "b", 1, "u", "s", []), caller, ct)).Refusal,
            PortalAction.ReportBuild => (await new ReportBuild(dbs, world.Time).RunAsync(
                new BuildReport("no-such-app", BuildStatus.Failed, 1, "u", "b", "c", [], ""), caller, ct)).Refusal,
            PortalAction.DeployDevelopment => (await new RegisterDevelopmentBuild(dbs, null!, null!, null!, world.Time).RunAsync(
                new DevelopmentBuild("no-such-app", "r", "t", null, "c", "b", 1, "u"), caller, ct)).Refusal,
            _ => await ThroughActorAsync(action, caller, ct),
        };
        return refusal is null || !AccessCodes.Contains(refusal.Code);
    }

    private async Task<Refusal?> ThroughActorAsync(PortalAction action, string caller, CancellationToken ct)
    {
        await using var db = world.Dbs.CreateDbContext();
        // A read integrations may do is asked both ways, as the API's gate asks it: by key for a signature, by account for a token.
        if (Permissions.Allows(action, Principals.Integration) && (Permissions.RolesFor(action).Length == 0 || caller is AccessWorld.KeyId or "revoked"))
            return await Actor.CheckIntegrationAsync(db, caller, action, "orders-api", ct);
        return (await Actor.ResolveAsync(db, caller, AccessWorld.Now, action, ct)).Refusal;
    }
}
