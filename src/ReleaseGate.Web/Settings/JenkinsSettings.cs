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

    public string? ResolveSecret() => SettingsCheck.ReadSecret(Secret, SecretFile);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (SettingsCheck.FileExists(SecretFile, nameof(SecretFile)) is { } missing) { yield return missing; yield break; }
        var hasSecret = !string.IsNullOrEmpty(Secret) || !string.IsNullOrEmpty(SecretFile);
        if (!string.IsNullOrEmpty(KeyId) && !hasSecret)
            yield return new("is required when ReleaseGate__Jenkins__KeyId is set (or set ReleaseGate__Jenkins__SecretFile).", [nameof(Secret)]);
        if (string.IsNullOrEmpty(KeyId) && hasSecret)
            yield return new("is required when a Jenkins secret is set.", [nameof(KeyId)]);
        if (!string.IsNullOrEmpty(Secret) && Secret.Length < 16)
            yield return new("must be at least 16 characters long.", [nameof(Secret)]);
    }
}
