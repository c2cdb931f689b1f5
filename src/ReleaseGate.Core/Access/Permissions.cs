using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Access;

/// <summary>Everything a person or an integration can ask the portal to do; the rows of <see cref="Permissions"/>.</summary>
public enum PortalAction
{
    Approve, Reject, WithdrawApproval, Redeploy,
    EditSchedule, RetryPromotion, ReleaseNow, Restore, ResumeRollout, RollBack,
    Scale, ManageApplications, ManageIntegrations, ManageUsers, RemoveService, ReadAudit,
    RegisterCandidate, ReportBuild, DeployDevelopment,
}

/// <summary>Who may act besides the roles: a signed integration, or nobody signed in.</summary>
public static class Principals
{
    public const string Integration = "integration";
    public const string Anonymous = "anonymous";

    public static readonly string[] All = [Roles.QA, Roles.ReleaseManager, Roles.Admin, Integration, Anonymous];
}

/// <summary>
/// The one authorization table: action × who. Use cases check it through <see cref="Actor"/>; pages only mirror it
/// (hidden links and buttons), so a page that forgets still cannot act.
/// </summary>
public static class Permissions
{
    // Comma-separated so a page's [Authorize(Roles = …)] can name the very same cell (attributes need constants).
    public const string ReadAuditRoles = Roles.ReleaseManager + "," + Roles.Admin;
    public const string ScaleRoles = Roles.ReleaseManager + "," + Roles.Admin;
    public const string RedeployRoles = Roles.QA + "," + Roles.ReleaseManager;

    private static readonly Dictionary<PortalAction, string[]> Table = new()
    {
        [PortalAction.Approve] = [Roles.QA],
        [PortalAction.Reject] = [Roles.QA],
        [PortalAction.WithdrawApproval] = [Roles.QA],
        [PortalAction.Redeploy] = RedeployRoles.Split(','),
        [PortalAction.EditSchedule] = [Roles.ReleaseManager],
        [PortalAction.RetryPromotion] = [Roles.ReleaseManager],
        [PortalAction.ReleaseNow] = [Roles.ReleaseManager],
        [PortalAction.Restore] = [Roles.ReleaseManager],
        [PortalAction.ResumeRollout] = [Roles.ReleaseManager],
        [PortalAction.RollBack] = [Roles.ReleaseManager],
        [PortalAction.Scale] = ScaleRoles.Split(','),
        [PortalAction.ManageApplications] = [Roles.Admin],
        [PortalAction.ManageIntegrations] = [Roles.Admin],
        [PortalAction.ManageUsers] = [Roles.Admin],
        [PortalAction.RemoveService] = [Roles.Admin],
        [PortalAction.ReadAudit] = ReadAuditRoles.Split(','),
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
}
