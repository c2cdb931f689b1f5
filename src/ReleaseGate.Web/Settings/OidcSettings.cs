using System.ComponentModel.DataAnnotations;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__Oidc__*: sign-in with GitLab or any OpenID Connect provider, beside local accounts. Off while Authority is empty.</summary>
public sealed class OidcSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Oidc";

    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string? ClientSecretFile { get; set; }
    public string DisplayName { get; set; } = "OpenID Connect";
    public string GroupsClaim { get; set; } = "groups";
    /// <summary>Seconds between the provider being asked again about everyone who signs in with it (groups, still there).</summary>
    [Range(1, 86_400)] public int RevalidateSeconds { get; set; } = 300;

    public bool IsEnabled() => !string.IsNullOrEmpty(Authority);

    public string? ResolveClientSecret() => SettingsCheck.ReadSecret(ClientSecret, ClientSecretFile);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (SettingsCheck.FileExists(ClientSecretFile, nameof(ClientSecretFile)) is { } missing) { yield return missing; yield break; }
        if (!IsEnabled())
        {
            if (!string.IsNullOrEmpty(ClientId))
                yield return new("is required when ReleaseGate__Oidc__ClientId is set (the provider's address, e.g. https://gitlab.example.com).", [nameof(Authority)]);
            yield break;
        }
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            yield return new("must be an absolute http(s) URL, e.g. https://gitlab.example.com.", [nameof(Authority)]);
        else if (authority.Scheme == "http" && !authority.IsLoopback)
            yield return new("must use https (plain http is accepted only for a provider on this machine).", [nameof(Authority)]);
        if (string.IsNullOrEmpty(ClientId))
            yield return new("is required when ReleaseGate__Oidc__Authority is set.", [nameof(ClientId)]);
        if (string.IsNullOrEmpty(ClientSecret) && string.IsNullOrEmpty(ClientSecretFile))
            yield return new("is required when ReleaseGate__Oidc__Authority is set (or set ReleaseGate__Oidc__ClientSecretFile).", [nameof(ClientSecret)]);
        if (string.IsNullOrWhiteSpace(DisplayName))
            yield return new("must not be empty: it is the text of the sign-in button.", [nameof(DisplayName)]);
        if (string.IsNullOrWhiteSpace(GroupsClaim))
            yield return new("must name the claim that lists the person's groups.", [nameof(GroupsClaim)]);
    }
}

/// <summary>
/// ReleaseGate__Oidc__RoleGroups__*: the provider's groups (comma-separated) that give each role. Applied at every
/// sign-in and every revalidation, so leaving a group takes the role away.
/// </summary>
public sealed class OidcRoleGroupsSettings : ISettings
{
    public static string Section => "ReleaseGate:Oidc:RoleGroups";

    public string? QA { get; set; }
    public string? ReleaseManager { get; set; }
    public string? Admin { get; set; }

    /// <summary>The roles the given groups give; group names compare without regard to case, as GitLab paths do.</summary>
    public IReadOnlySet<string> RolesFor(IEnumerable<string> groups)
    {
        var held = groups.Select(g => g.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new[] { (Roles.QA, QA), (Roles.ReleaseManager, ReleaseManager), (Roles.Admin, Admin) }
            .Where(r => Split(r.Item2).Any(held.Contains))
            .Select(r => r.Item1)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
