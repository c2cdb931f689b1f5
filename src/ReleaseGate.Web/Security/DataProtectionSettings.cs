using System.ComponentModel.DataAnnotations;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Security;

/// <summary>ReleaseGate__DataProtection__*: the certificate that encrypts the data-protection keys kept in the database.</summary>
public sealed class DataProtectionSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with a certificate and its private key.</summary>
    public string? CertificateFile { get; set; }
    /// <summary>File holding the .pfx's password (Docker secret); none for a .pfx without one.</summary>
    public string? CertificatePasswordFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (SettingsCheck.FileExists(CertificateFile, nameof(CertificateFile)) is { } missing) yield return missing;
        if (SettingsCheck.FileExists(CertificatePasswordFile, nameof(CertificatePasswordFile)) is { } missingPassword) yield return missingPassword;
    }
}
