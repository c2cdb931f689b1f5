using Microsoft.AspNetCore.Identity;

namespace ReleaseGate.Core.Users;

/// <summary>A login at an OpenID Connect provider: the issuer (its URL, as in `iss`) and the subject it gives the person (`sub`).</summary>
/// <param name="ProviderName">Shown in the audit trail and on pages, e.g. "GitLab".</param>
public sealed record ExternalLogin(string Issuer, string Subject, string ProviderName);

/// <summary>What the provider use cases share: how the provider's groups become roles, and where its grant is kept.</summary>
internal static class ExternalLogins
{
    /// <summary>The name of the AspNetUserTokens row (keyed by the issuer) holding the grant the portal re-reads groups with.</summary>
    public const string GrantName = "grant";

    public sealed record RolesApplied(IReadOnlySet<string> Roles, bool KeptAdmin, bool Changed);

    /// <summary>
    /// Exactly what the groups say, except that the portal never loses its last enabled admin (as in ChangeUser).
    /// A change ends the person's other sessions and open tabs (security stamp), as an admin's change does.
    /// </summary>
    public static async Task<Outcome<RolesApplied>> ApplyRolesAsync(UserManager<PortalUser> users, PortalUser user, IEnumerable<string> given, bool isNew)
    {
        var roles = given.ToHashSet(StringComparer.Ordinal);
        var keptAdmin = !isNew && !roles.Contains(Roles.Admin) && await UserRules.IsLastAdminAsync(users, user);
        if (keptAdmin) roles.Add(Roles.Admin);
        var current = await users.GetRolesAsync(user);
        var changed = !roles.SetEquals(current);
        if (await users.RemoveFromRolesAsync(user, current.Except(roles)) is { Succeeded: false } removed) return UserRules.FromIdentity(removed);
        if (await users.AddToRolesAsync(user, roles.Except(current)) is { Succeeded: false } added) return UserRules.FromIdentity(added);
        if (changed && !isNew) await users.UpdateSecurityStampAsync(user);
        return new RolesApplied(roles, keptAdmin, changed);
    }

    /// <summary>Keeps the provider's latest grant (opaque here: the adapter protects it) for the scheduled re-read.</summary>
    public static async Task KeepGrantAsync(UserManager<PortalUser> users, PortalUser user, string issuer, string? grant)
    {
        if (grant is { Length: > 0 }) await users.SetAuthenticationTokenAsync(user, issuer, GrantName, grant);
    }
}
