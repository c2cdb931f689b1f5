using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

/// <summary>
/// ReleaseGate__Registries__*: the staging registry candidates come from and the production one they go to. Each credential
/// serves one use: the portal's own (Staging*: read; Production*: push), the test engine's pull from staging (StagingPull*)
/// and the Swarm's pull from production (ProductionPull*). None stands in for another: an unset one sends none.
/// </summary>
public sealed class RegistriesSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Registries";

    /// <summary>Base address, e.g. http://127.0.0.1:5001; its host:port is what image references name.</summary>
    [Required] public Uri Staging { get; set; } = new("http://127.0.0.1:5001");
    /// <summary>host:port image references name the staging registry by, when the portal dials another address.</summary>
    public string? StagingName { get; set; }
    public string? StagingUserName { get; set; }
    public string? StagingPassword { get; set; }
    public string? StagingPasswordFile { get; set; }
    /// <summary>What the test host's engine pulls staging images with (a pull-only account).</summary>
    public string? StagingPullUserName { get; set; }
    public string? StagingPullPassword { get; set; }
    public string? StagingPullPasswordFile { get; set; }

    [Required] public Uri Production { get; set; } = new("http://127.0.0.1:5002");
    public string? ProductionName { get; set; }
    public string? ProductionUserName { get; set; }
    public string? ProductionPassword { get; set; }
    public string? ProductionPasswordFile { get; set; }
    /// <summary>What the Swarm's workers pull production images with (a pull-only account), sent with every service update.</summary>
    public string? ProductionPullUserName { get; set; }
    public string? ProductionPullPassword { get; set; }
    public string? ProductionPullPasswordFile { get; set; }

    /// <summary>
    /// Hosts besides each registry's own to which the registry's user and password may be sent for a token (a token
    /// realm elsewhere, e.g. auth.example.com), separated by commas. Any other realm gets no credentials.
    /// </summary>
    public string? TokenRealmHosts { get; set; }

    public IReadOnlyList<string> AllowedRealmHosts() =>
        (TokenRealmHosts ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The staging registry's host:port as image references (and the engines pulling them) name it.</summary>
    public string StagingAuthority => Authority(Staging, StagingName);
    public string ProductionAuthority => Authority(Production, ProductionName);

    private static string Authority(Uri address, string? name) => string.IsNullOrWhiteSpace(name) ? address.Authority : name.Trim();

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var (name, uri) in new[] { (nameof(Staging), Staging), (nameof(Production), Production) })
            if (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https"))
                yield return new("must be an http or https address, e.g. http://127.0.0.1:5001.", [name]);
        foreach (var (name, file) in new[] { (nameof(StagingPasswordFile), StagingPasswordFile), (nameof(ProductionPasswordFile), ProductionPasswordFile),
                     (nameof(StagingPullPasswordFile), StagingPullPasswordFile), (nameof(ProductionPullPasswordFile), ProductionPullPasswordFile) })
            if (SettingsCheck.FileExists(file, name) is { } missing) yield return missing;
        // host:port only: a scheme or a path here would never match an image reference.
        foreach (var (name, value) in new[] { (nameof(StagingName), StagingName), (nameof(ProductionName), ProductionName) })
            if (!string.IsNullOrWhiteSpace(value)
                && !(Uri.TryCreate($"http://{value.Trim()}", UriKind.Absolute, out var parsed) && string.Equals(parsed.Authority, value.Trim(), StringComparison.OrdinalIgnoreCase) && parsed.PathAndQuery == "/"))
                yield return new("must be host:port as image references name the registry, e.g. 127.0.0.1:5001.", [name]);
    }
}
