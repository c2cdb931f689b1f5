using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__Jenkins__*: an integration that exists from the start, so a fresh install is wired by variables alone.</summary>
public sealed class JenkinsSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Jenkins";

    [RegularExpression("^[A-Za-z0-9._-]{3,64}$", ErrorMessage = "must be 3 to 64 letters, digits, '.', '_' or '-'.")]
    public string? KeyId { get; set; }
    public string? Secret { get; set; }
    public string? SecretFile { get; set; }
    /// <summary>Comma-separated slugs the key may act for, or * for every application: required with a key, never assumed.</summary>
    public string? Applications { get; set; }
    /// <summary>Whether the key may still sign v1 (body and time only); for a Jenkins not yet on the current client.</summary>
    public bool AllowV1 { get; set; }

    public List<string> ApplicationList() => Integrations.IntegrationSecrets.ParseApplications(Applications) ?? [];

    public string? ResolveSecret() => SettingsCheck.ReadSecret(Secret, SecretFile);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (SettingsCheck.FileExists(SecretFile, nameof(SecretFile)) is { } missing) { yield return missing; yield break; }
        var hasSecret = !string.IsNullOrEmpty(Secret) || !string.IsNullOrEmpty(SecretFile);
        if (!string.IsNullOrEmpty(KeyId) && !hasSecret)
            yield return new("is required when ReleaseGate__Jenkins__KeyId is set (or set ReleaseGate__Jenkins__SecretFile).", [nameof(Secret)]);
        if (string.IsNullOrEmpty(KeyId) && hasSecret)
            yield return new("is required when a Jenkins secret is set.", [nameof(KeyId)]);
        if (!string.IsNullOrEmpty(KeyId) && Integrations.IntegrationSecrets.ParseApplications(Applications) is null)
            yield return new("is required when ReleaseGate__Jenkins__KeyId is set and " + Integrations.IntegrationSecrets.ApplicationsRule.En, [nameof(Applications)]);
        if (!string.IsNullOrEmpty(Secret) && Secret.Length < 16)
            yield return new("must be at least 16 characters long.", [nameof(Secret)]);
    }
}
