namespace ReleaseGate.Core.Users;

/// <summary>Where the person stands at the provider now: still there (with the roles their groups give), gone, or unknown.</summary>
public enum ExternalStanding { Present, Gone, Unreachable }

/// <param name="Grant">The provider's new grant when it rotated the old one (protected by the adapter); null to keep the old.</param>
/// <param name="Why">For the log and the audit trail: the provider's error, or what failed.</param>
public sealed record ExternalLookup(ExternalStanding Standing, IReadOnlySet<string> Roles, string? Grant = null, string? Why = null);

/// <summary>The OpenID Connect provider asked again about a person, with the grant kept from their sign-in.</summary>
public interface IExternalDirectory
{
    /// <summary>The configured provider's issuer (the key of its logins); null when none is configured or it cannot be reached now.</summary>
    Task<string?> IssuerAsync(CancellationToken ct);

    /// <summary>Its name for people, e.g. "GitLab".</summary>
    string ProviderName { get; }

    Task<ExternalLookup> LookUpAsync(string grant, CancellationToken ct);
}
