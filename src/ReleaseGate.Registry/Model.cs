using System.Net;

namespace ReleaseGate.Registry;

/// <summary>
/// A registry's base address (e.g. http://127.0.0.1:5001), optional credentials, and optionally the host:port image
/// references name it by when that is not the address dialled (a registry the engines pull as 127.0.0.1:5001 through
/// a published port while the portal reaches it as staging-registry:5000 on a stack network).
/// </summary>
public sealed record RegistryEndpoint(Uri BaseAddress, string? UserName = null, string? Password = null, string? Name = null)
{
    /// <summary>host:port as it appears in image references.</summary>
    public string Authority => string.IsNullOrWhiteSpace(Name) ? BaseAddress.Authority : Name.Trim();

    // An empty user (a variable set to nothing in a stack file) is no user.
    public bool HasCredentials => !string.IsNullOrEmpty(UserName);

    /// <summary>Hosts besides the registry's own whose token realm (over https) may receive these credentials.</summary>
    public IReadOnlyList<string> TokenRealmHosts { get; init; } = [];

    // Keep the password out of logs.
    public override string ToString() => BaseAddress.ToString();
}

public sealed record ManifestDescriptor(string Digest, string MediaType, long Size);

public sealed class RegistryException(string message, bool isTransient, HttpStatusCode? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>True for 5xx, 408, 429, timeouts and connection failures: retrying may help.</summary>
    public bool IsTransient { get; } = isTransient;
    public HttpStatusCode? StatusCode { get; } = statusCode;
}

public static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    public static readonly string[] Manifests = [DockerManifest, DockerManifestList, OciManifest, OciIndex];

    public static bool IsIndex(string mediaType) => mediaType is DockerManifestList or OciIndex;
}
