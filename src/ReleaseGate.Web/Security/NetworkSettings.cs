using System.ComponentModel.DataAnnotations;
using System.Net;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Security;

/// <summary>ReleaseGate__Network__*: the reverse proxies whose X-Forwarded-For/-Proto the portal believes.</summary>
public sealed class NetworkSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Network";

    /// <summary>Comma-separated IP addresses of the proxies in front of the portal; none: forwarded headers are ignored.</summary>
    public string? KnownProxies { get; set; }

    public IEnumerable<IPAddress> Proxies() =>
        (KnownProxies ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPAddress.Parse);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var entry in (KnownProxies ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!IPAddress.TryParse(entry, out _)) yield return new($"'{entry}' is not an IP address.", [nameof(KnownProxies)]);
    }
}
