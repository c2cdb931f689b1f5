using Microsoft.AspNetCore.Identity;

namespace ReleaseGate.Core.Users;

/// <summary>A person who signs in to the portal. Roles: see <see cref="Roles"/>.</summary>
public sealed class PortalUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
}

/// <summary>The roles an account can hold; what each may do is <see cref="Access.Permissions"/>'s table, nowhere else.</summary>
public static class Roles
{
    public const string Viewer = "Viewer";
    public const string QA = "QA";
    public const string ReleaseManager = "ReleaseManager";
    public const string Admin = "Admin";

    public static readonly string[] All = [Viewer, QA, ReleaseManager, Admin];
}
