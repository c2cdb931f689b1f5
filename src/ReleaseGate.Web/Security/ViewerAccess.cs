using System.Security.Claims;
using ReleaseGate.Core.Access;
using ReleaseGate.Web.Localization;

namespace ReleaseGate.Web.Security;

/// <summary>Pages mirror Core's permission table to hide what the viewer may not do; Core refuses anyway.</summary>
public static class ViewerAccess
{
    public static bool May(this ClaimsPrincipal viewer, PortalAction action) =>
        Permissions.Who(action).Any(viewer.IsInRole);

    /// <summary>False for an account with no role that reads anything: it is shown "no access yet".</summary>
    public static bool ReadsAnything(this ClaimsPrincipal viewer) =>
        Permissions.ReadsAnything(viewer.FindAll(ClaimTypes.Role).Select(c => c.Value));

    /// <summary>What a refused viewer is told: no access at all yet, or which roles the action needs, in their language.</summary>
    public static string Refused(this ClaimsPrincipal viewer, PortalAction? action, UiText l) =>
        !viewer.ReadsAnything() ? l.Format("NoAccess", viewer.Identity?.Name ?? "")
        : action is { } a ? l.Format("NeedsRole", string.Join(l["Or"], Permissions.RolesFor(a).Select(r => l["Role." + r])))
        : l["AccessDenied"];
}
