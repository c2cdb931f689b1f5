using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__TestEnvironment__*: the Docker host candidates are deployed to for QA.</summary>
public sealed class TestEnvironmentSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:TestEnvironment";

    /// <summary>unix:///path/docker.sock or tcp://host:2376 (with TLS when TlsCertificatesPath is set).</summary>
    [Required] public string DockerHost { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>Host name QA's browser uses to reach the test containers' published ports.</summary>
    [Required] public string PublicHost { get; set; } = "127.0.0.1";

    /// <summary>Folder with ca.pem, cert.pem and key.pem (as `docker --tlsverify` uses) for a tcp:// host.</summary>
    public string? TlsCertificatesPath { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!Uri.TryCreate(DockerHost, UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp"))
            yield return new("must be unix:///path/to/docker.sock or tcp://host:port.", [nameof(DockerHost)]);
        if (Uri.CheckHostName(PublicHost) == UriHostNameType.Unknown)
            yield return new("must be a host name or IP address.", [nameof(PublicHost)]);
        if (!string.IsNullOrEmpty(TlsCertificatesPath))
            foreach (var file in new[] { "ca.pem", "cert.pem", "key.pem" }.Where(f => !File.Exists(Path.Combine(TlsCertificatesPath, f))))
                yield return new($"has no {file} (it needs ca.pem, cert.pem and key.pem).", [nameof(TlsCertificatesPath)]);
    }
}
