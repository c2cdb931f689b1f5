using System.Security.Claims;
using ReleaseGate.Core.Access;

namespace ReleaseGate.Web.Security;

/// <summary>Pages mirror Core's permission table to hide what the viewer may not do; Core refuses anyway.</summary>
public static class ViewerAccess
{
    public static bool May(this ClaimsPrincipal viewer, PortalAction action) =>
        Permissions.Who(action).Any(viewer.IsInRole);
}
