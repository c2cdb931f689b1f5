using Microsoft.AspNetCore.Identity;

namespace ReleaseGate.Core.Users;

/// <summary>A person who signs in to the portal. Roles: see <see cref="Roles"/>.</summary>
public sealed class PortalUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
}

public static class Roles
{
    public const string QA = "QA";
    public const string ReleaseManager = "ReleaseManager";
    public const string Admin = "Admin";

    public static readonly string[] All = [QA, ReleaseManager, Admin];
}
