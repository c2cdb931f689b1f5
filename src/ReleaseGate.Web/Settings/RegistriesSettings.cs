using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__Registries__*: the staging registry candidates come from and the production one they go to.</summary>
public sealed class RegistriesSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Registries";

    /// <summary>Base address, e.g. http://127.0.0.1:5001; its host:port is what image references name.</summary>
    [Required] public Uri Staging { get; set; } = new("http://127.0.0.1:5001");
    public string? StagingUserName { get; set; }
    public string? StagingPassword { get; set; }
    public string? StagingPasswordFile { get; set; }

    [Required] public Uri Production { get; set; } = new("http://127.0.0.1:5002");
    public string? ProductionUserName { get; set; }
    public string? ProductionPassword { get; set; }
    public string? ProductionPasswordFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var (name, uri) in new[] { (nameof(Staging), Staging), (nameof(Production), Production) })
            if (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https"))
                yield return new("must be an http or https address, e.g. http://127.0.0.1:5001.", [name]);
        foreach (var (name, file) in new[] { (nameof(StagingPasswordFile), StagingPasswordFile), (nameof(ProductionPasswordFile), ProductionPasswordFile) })
            if (SettingsCheck.FileExists(file, name) is { } missing) yield return missing;
    }
}
