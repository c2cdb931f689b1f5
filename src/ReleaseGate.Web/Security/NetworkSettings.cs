using System.ComponentModel.DataAnnotations;
using System.Net;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Security;

/// <summary>ReleaseGate__Network__*: the reverse proxies whose X-Forwarded-For/-Proto the portal believes.</summary>
public sealed class NetworkSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Network";

    /// <summary>
    /// Comma-separated IP addresses of the proxies in front of the portal, or networks (CIDR, e.g. a Swarm stack's
    /// overlay subnet, where the proxy's address changes with each task); none: forwarded headers are ignored.
    /// </summary>
    public string? KnownProxies { get; set; }

    private IEnumerable<string> Entries() => (KnownProxies ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IEnumerable<IPAddress> Proxies() => Entries().Where(e => !e.Contains('/')).Select(IPAddress.Parse);

    public IEnumerable<IPNetwork> ProxyNetworks() => Entries().Where(e => e.Contains('/')).Select(e => IPNetwork.Parse(e));

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var entry in Entries())
            if (entry.Contains('/') ? !IPNetwork.TryParse(entry, out _) : !IPAddress.TryParse(entry, out _))
                yield return new($"'{entry}' is neither an IP address nor a network such as 10.0.0.0/24.", [nameof(KnownProxies)]);
    }
}
