using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using ReleaseGate.Registry;

/// <summary>
/// Builds bench images without docker: gzip'ed tar layers of random (incompressible) data and a config, pushed
/// through the registry API. Everything goes through temporary files, so building a 1 GiB image does not inflate
/// this process (which the memory figure of the copy would otherwise inherit).
/// </summary>
static class BenchImages
{
    public static async Task<ManifestDescriptor> EnsureAsync(RegistryClient registry, string repository, string tag, int layers, long layerBytes)
    {
        if (await registry.ResolveAsync(repository, tag) is { } existing)
            return existing;
        Console.WriteLine($"building {repository}:{tag} ({layers} layers of {layerBytes / 1e6:F1} MB random data)...");
        var dir = Directory.CreateTempSubdirectory("bench-image-");
        try
        {
            var built = new List<(string Digest, long Size, string DiffId)>();
            for (var i = 0; i < layers; i++)
                built.Add(await PushLayerAsync(registry, repository, dir.FullName, i, layerBytes));

            var config = JsonSerializer.SerializeToUtf8Bytes(new
            {
                architecture = "amd64",
                os = "linux",
                config = new { Cmd = new[] { "/bin/true" } },
                rootfs = new { type = "layers", diff_ids = built.Select(l => l.DiffId) },
                history = built.Select((_, i) => new { created_by = $"bench layer {i}" }),
            });
            var configDigest = RegistryClient.Sha256Digest(config);
            await registry.UploadBlobAsync(repository, configDigest, new MemoryStream(config), config.Length);
            var manifest = JsonSerializer.SerializeToUtf8Bytes(new
            {
                schemaVersion = 2,
                mediaType = MediaTypes.DockerManifest,
                config = new { mediaType = MediaTypes.DockerConfig, size = config.Length, digest = configDigest },
                layers = built.Select(l => new { mediaType = MediaTypes.DockerLayerGzip, size = l.Size, digest = l.Digest }),
            });
            await registry.PutManifestAsync(repository, tag, manifest, MediaTypes.DockerManifest);
            return await registry.ResolveAsync(repository, tag) ?? throw new InvalidOperationException("the pushed image does not resolve");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(string, long, string)> PushLayerAsync(RegistryClient registry, string repository, string dir, int index, long bytes)
    {
        var data = Path.Combine(dir, $"layer{index}.bin");
        await using (var file = File.Create(data))
        {
            var chunk = new byte[1 << 20];
            for (long written = 0; written < bytes; written += chunk.Length)
            {
                var n = (int)Math.Min(chunk.Length, bytes - written);
                RandomNumberGenerator.Fill(chunk.AsSpan(0, n));
                await file.WriteAsync(chunk.AsMemory(0, n));
            }
        }
        var path = Path.Combine(dir, $"layer{index}.tar.gz");
        string diffId;
        await using (var file = File.Create(path))
        {
            await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            await using var tar = new HashingStream(gzip);
            await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            await using (var content = File.OpenRead(data))
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, $"data/layer{index}.bin") { DataStream = content });
            diffId = tar.Digest();
        }
        File.Delete(data);
        await using var upload = File.OpenRead(path);
        var digest = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(upload));
        upload.Position = 0;
        await registry.UploadBlobAsync(repository, digest, upload, upload.Length);
        return (digest, upload.Length, diffId);
    }
}

/// <summary>Write-through stream that hashes what passes (the uncompressed tar's sha256 is the layer's diff_id).</summary>
sealed class HashingStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public string Digest() => "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        inner.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        _hash.AppendData(buffer.Span);
        await inner.WriteAsync(buffer, ct);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Flush() => inner.Flush();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
