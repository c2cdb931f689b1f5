using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__*: settings of the portal as a whole.</summary>
public sealed class PortalSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate";

    /// <summary>The address people reach the portal at; links in mails start with it.</summary>
    [Required] public Uri PublicUrl { get; set; } = new("http://127.0.0.1:8080");

    /// <summary>A YAML or JSON file declaring the applications (kept in Git by the teams).</summary>
    public string? ApplicationsFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!PublicUrl.IsAbsoluteUri) yield return new("must be an absolute URL.", [nameof(PublicUrl)]);
        if (SettingsCheck.FileExists(ApplicationsFile, nameof(ApplicationsFile)) is { } missing) yield return missing;
    }
}
