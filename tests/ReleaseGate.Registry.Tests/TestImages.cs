using System.Security.Cryptography;
using System.Text.Json;

namespace ReleaseGate.Registry.Tests;

/// <summary>Small images of random blobs, pushed through the client itself (no docker needed).</summary>
public static class TestImages
{
    public sealed record Pushed(string Digest, byte[] Manifest, IReadOnlyList<(string Digest, byte[] Bytes)> Blobs);

    /// <summary>An OCI image manifest with a config and <paramref name="layers"/> random layers.</summary>
    public static async Task<Pushed> PushImageAsync(RegistryClient registry, string repository, int layers, int layerBytes,
        string? tag, CancellationToken ct, string platform = "amd64")
    {
        var blobs = new List<(string Digest, byte[] Bytes)>();
        for (var i = 0; i < layers; i++)
            blobs.Add(await PushBlobAsync(registry, repository, RandomNumberGenerator.GetBytes(layerBytes), ct));
        var config = await PushBlobAsync(registry, repository, JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = platform, os = "linux", nonce = Guid.NewGuid(),
            rootfs = new { type = "layers", diff_ids = blobs.Select(b => b.Digest) },
        }), ct);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciManifest,
            config = new { mediaType = "application/vnd.oci.image.config.v1+json", size = config.Bytes.Length, digest = config.Digest },
            layers = blobs.Select(b => new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", size = b.Bytes.Length, digest = b.Digest }),
        });
        var digest = RegistryClient.Sha256Digest(manifest);
        await registry.PutManifestAsync(repository, tag ?? digest, manifest, MediaTypes.OciManifest, ct);
        return new Pushed(digest, manifest, [.. blobs, config]);
    }

    /// <summary>An OCI index over one image per platform.</summary>
    public static async Task<(string Digest, Pushed[] Children)> PushIndexAsync(RegistryClient registry, string repository, string tag,
        CancellationToken ct, params string[] platforms)
    {
        var children = new List<Pushed>();
        foreach (var platform in platforms)
            children.Add(await PushImageAsync(registry, repository, 2, 4096, null, ct, platform));
        var index = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciIndex,
            manifests = children.Select((c, i) => new
            {
                mediaType = MediaTypes.OciManifest, size = c.Manifest.Length, digest = c.Digest,
                platform = new { architecture = platforms[i], os = "linux" },
            }),
        });
        await registry.PutManifestAsync(repository, tag, index, MediaTypes.OciIndex, ct);
        return (RegistryClient.Sha256Digest(index), [.. children]);
    }

    public static async Task<(string Digest, byte[] Bytes)> PushBlobAsync(RegistryClient registry, string repository, byte[] bytes, CancellationToken ct)
    {
        var digest = RegistryClient.Sha256Digest(bytes);
        await registry.UploadBlobAsync(repository, digest, new MemoryStream(bytes), bytes.Length, ct);
        return (digest, bytes);
    }
}
