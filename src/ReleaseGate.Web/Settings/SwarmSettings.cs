using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__Swarm__*: the manager of the production Swarm that rollouts update.</summary>
public sealed class SwarmSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Swarm";

    /// <summary>unix:///path/docker.sock or tcp://manager:2376 (with TLS when TlsCertificatesPath is set).</summary>
    [Required] public string DockerHost { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>Folder with ca.pem, cert.pem and key.pem (as `docker --tlsverify` uses) for a tcp:// manager.</summary>
    public string? TlsCertificatesPath { get; set; }

    /// <summary>How long a converged rollout's smoke URL may fail before the service is rolled back to the release before.</summary>
    [Range(1, 3600)] public int SmokeTimeoutSeconds { get; set; } = 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!Uri.TryCreate(DockerHost, UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp"))
            yield return new("must be unix:///path/to/docker.sock or tcp://host:port.", [nameof(DockerHost)]);
        if (!string.IsNullOrEmpty(TlsCertificatesPath))
            foreach (var file in new[] { "ca.pem", "cert.pem", "key.pem" }.Where(f => !File.Exists(Path.Combine(TlsCertificatesPath, f))))
                yield return new($"has no {file} (it needs ca.pem, cert.pem and key.pem).", [nameof(TlsCertificatesPath)]);
    }
}
