using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Access;

/// <summary>Everything a person or an integration can ask the portal to do; the rows of <see cref="Permissions"/>.</summary>
public enum PortalAction
{
    // Reads: an account with no role reads nothing (it sees "no access yet").
    ReadBoard, ReadApplications, ReadCandidates, ReadReleases, ReadSchedule, ReadSwarm, ReadAudit,
    Approve, Reject, WithdrawApproval, Redeploy,
    EditSchedule, RetryPromotion, ReleaseNow, Restore, ResumeRollout, RollBack,
    Scale, ManageApplications, ManageIntegrations, ManageUsers, RemoveService,
    RegisterCandidate, ReportBuild, DeployDevelopment,
}

/// <summary>Who may act besides the roles: a signed integration, or nobody signed in.</summary>
public static class Principals
{
    public const string Integration = "integration";
    public const string Anonymous = "anonymous";

    public static readonly string[] All = [.. Roles.All, Integration, Anonymous];
}

/// <summary>
/// The one authorization table: action × who. Use cases check it through <see cref="Actor"/>; pages and the API's
/// read gate ask it too (hidden links and buttons only mirror it), so nothing else names a role for what it may do.
/// </summary>
public static class Permissions
{
    private static readonly string[] Readers = [Roles.Viewer, Roles.QA, Roles.ReleaseManager, Roles.Admin];

    private static readonly Dictionary<PortalAction, string[]> Table = new()
    {
        // Jenkins reads the candidates it registered (the client waits for a phase) and the applications it names.
        [PortalAction.ReadBoard] = Readers,
        [PortalAction.ReadApplications] = [.. Readers, Principals.Integration],
        [PortalAction.ReadCandidates] = [.. Readers, Principals.Integration],
        [PortalAction.ReadReleases] = Readers,
        [PortalAction.ReadSchedule] = Readers,
        [PortalAction.ReadSwarm] = Readers,
        [PortalAction.ReadAudit] = [Roles.ReleaseManager, Roles.Admin],
        [PortalAction.Approve] = [Roles.QA],
        [PortalAction.Reject] = [Roles.QA],
        [PortalAction.WithdrawApproval] = [Roles.QA],
        [PortalAction.Redeploy] = [Roles.QA, Roles.ReleaseManager],
        [PortalAction.EditSchedule] = [Roles.ReleaseManager],
        [PortalAction.RetryPromotion] = [Roles.ReleaseManager],
        [PortalAction.ReleaseNow] = [Roles.ReleaseManager],
        [PortalAction.Restore] = [Roles.ReleaseManager],
        [PortalAction.ResumeRollout] = [Roles.ReleaseManager],
        [PortalAction.RollBack] = [Roles.ReleaseManager],
        [PortalAction.Scale] = [Roles.ReleaseManager, Roles.Admin],
        [PortalAction.ManageApplications] = [Roles.Admin],
        [PortalAction.ManageIntegrations] = [Roles.Admin],
        [PortalAction.ManageUsers] = [Roles.Admin],
        [PortalAction.RemoveService] = [Roles.Admin],
        [PortalAction.RegisterCandidate] = [Principals.Integration],
        [PortalAction.ReportBuild] = [Principals.Integration],
        [PortalAction.DeployDevelopment] = [Principals.Integration],
    };

    /// <summary>The roles (and pseudo-roles) that may do <paramref name="action"/>.</summary>
    public static IReadOnlyList<string> Who(PortalAction action) => Table[action];

    public static bool Allows(PortalAction action, string principal) => Table[action].Contains(principal);

    public static bool Allows(PortalAction action, IEnumerable<string> roles) => roles.Any(Table[action].Contains);

    /// <summary>The person's roles that the table knows for <paramref name="action"/>, without the pseudo-roles.</summary>
    public static string[] RolesFor(PortalAction action) => Table[action].Where(Roles.All.Contains).ToArray();

    /// <summary>True when <paramref name="roles"/> let a person read anything at all; false shows "no access yet".</summary>
    public static bool ReadsAnything(IEnumerable<string> roles) =>
        Enum.GetValues<PortalAction>().Any(a => a.ToString().StartsWith("Read", StringComparison.Ordinal) && Allows(a, roles));
}
