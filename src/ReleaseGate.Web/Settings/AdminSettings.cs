using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__Admin__*: the first administrator, created at start when no such user exists.</summary>
public sealed class AdminSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Admin";

    [EmailAddress] public string? Email { get; set; }
    public string? Password { get; set; }
    public string? PasswordFile { get; set; }

    public string? ResolvePassword() => SettingsCheck.ReadSecret(Password, PasswordFile);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (SettingsCheck.FileExists(PasswordFile, nameof(PasswordFile)) is { } missing) { yield return missing; yield break; }
        var hasPassword = !string.IsNullOrEmpty(Password) || !string.IsNullOrEmpty(PasswordFile);
        if (!string.IsNullOrEmpty(Email) && !hasPassword)
            yield return new("is required when ReleaseGate__Admin__Email is set (or set ReleaseGate__Admin__PasswordFile).", [nameof(Password)]);
        if (string.IsNullOrEmpty(Email) && hasPassword)
            yield return new("is required when an admin password is set.", [nameof(Email)]);
        if (!string.IsNullOrEmpty(Password) && Password.Length < Security.SecurityWiring.MinimumPasswordLength)
            yield return new("must be at least 12 characters long.", [nameof(Password)]);
    }
}
