// Promotion benchmark: RegistryClient.CopyAsync vs skopeo copy, staging -> production, ~100 MB / 6 layers.
// Usage: dotnet run -c Release --project bench/Promotion [-- N]
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using ReleaseGate.Registry;

const string Repository = "bench/promotion";
const string Tag = "100mb-6l";
const int Layers = 6;
const int LayerBytes = 100 * 1000 * 1000 / Layers;

var repetitions = args.Length > 0 ? int.Parse(args[0]) : 5;
var staging = new RegistryEndpoint(new Uri("http://127.0.0.1:5001"));
var production = new RegistryEndpoint(new Uri("http://127.0.0.1:5002"));
using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
var source = new RegistryClient(http, staging);
var target = new RegistryClient(http, production);

var image = await source.ResolveAsync(Repository, Tag) ?? await BuildImageAsync(source);
var (manifestBytes, _, _) = await source.GetManifestAsync(Repository, image.Digest);
using var manifestJson = JsonDocument.Parse(manifestBytes);
var layerCount = manifestJson.RootElement.GetProperty("layers").GetArrayLength();
var totalBytes = manifestJson.RootElement.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("size").GetInt64())
    + manifestJson.RootElement.GetProperty("config").GetProperty("size").GetInt64();
Console.WriteLine($"image {staging.Authority}/{Repository}:{Tag} = {image.Digest}: {layerCount} layers, {totalBytes / 1e6:F1} MB");
GC.Collect();
var baseline = Rss();

var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss");
var ours = new List<double>();
var skopeo = new List<double>();
long peak = 0;
for (var i = 0; i < repetitions; i++)
{
    // Alternate which goes first so neither always meets a warmer page cache.
    foreach (var oursFirst in i % 2 == 0 ? new[] { true, false } : [false, true])
    {
        if (oursFirst)
        {
            var repo = $"bench/ours-{run}-{i}";
            ResetPeakRss();
            var watch = Stopwatch.StartNew();
            await RegistryClient.CopyAsync(source, Repository, image.Digest, target, repo, "t", null, CancellationToken.None);
            ours.Add(watch.Elapsed.TotalSeconds);
            peak = Math.Max(peak, PeakRss());
            Console.WriteLine($"  rep {i}: ours   {ours[^1]:F3} s (peak RSS {PeakRss() / 1048576.0:F0} MiB)");
        }
        else
        {
            var repo = $"bench/skopeo-{run}-{i}";
            skopeo.Add(await SkopeoCopyAsync($"{staging.Authority}/{Repository}@{image.Digest}", $"{production.Authority}/{repo}:t"));
            var copied = await target.ResolveAsync(repo, "t");
            if (copied?.Digest != image.Digest)
                throw new InvalidOperationException($"skopeo produced {copied?.Digest} instead of {image.Digest}");
            Console.WriteLine($"  rep {i}: skopeo {skopeo[^1]:F3} s");
        }
    }
}

var oursMedian = Median(ours);
var skopeoMedian = Median(skopeo);
Console.WriteLine($"N={repetitions}");
Console.WriteLine($"median ours:   {oursMedian:F3} s");
Console.WriteLine($"median skopeo: {skopeoMedian:F3} s");
Console.WriteLine($"ratio ours/skopeo: {oursMedian / skopeoMedian:F2}");
Console.WriteLine($"peak working set of this process during our copies: {peak / 1048576.0:F0} MiB (before the first copy: {baseline / 1048576.0:F0} MiB)");
return;

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

// Linux: writing 5 to clear_refs resets VmHWM, so each copy's peak is its own, not the image build's.
static void ResetPeakRss() => File.WriteAllText("/proc/self/clear_refs", "5");

static long PeakRss() => Status("VmHWM:");

static long Rss() => Status("VmRSS:");

static long Status(string key) =>
    long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key))[key.Length..].Replace("kB", "").Trim()) * 1024;

static async Task<double> SkopeoCopyAsync(string from, string to)
{
    // A fresh HOME per run gives skopeo an empty blob-info cache; otherwise it mounts blobs from the
    // previous repetition's repository instead of copying them (setpriv: as root it would use /var/lib/containers).
    var home = Directory.CreateTempSubdirectory("bench-skopeo-");
    if (!OperatingSystem.IsWindows())
        home.UnixFileMode = (UnixFileMode)0b111_111_111;
    try
    {
        var info = new ProcessStartInfo("setpriv") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", $"HOME={home.FullName}",
                     "skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{from}", $"docker://{to}" })
            info.ArgumentList.Add(arg);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"skopeo failed: {await output}{await error}");
        return seconds;
    }
    finally
    {
        home.Delete(recursive: true);
    }
}

// Builds the image without docker: 6 gzip'ed tar layers of random (incompressible) data and a config,
// pushed through the registry API (which also exercises the upload path).
static async Task<ManifestDescriptor> BuildImageAsync(RegistryClient registry)
{
    Console.WriteLine($"building {Repository}:{Tag} ({Layers} layers of {LayerBytes / 1e6:F1} MB random data)...");
    var dir = Directory.CreateTempSubdirectory("bench-image-");
    try
    {
        var layers = new List<(string Digest, long Size, string DiffId)>();
        for (var i = 0; i < Layers; i++)
        {
            var path = Path.Combine(dir.FullName, $"layer{i}.tar.gz");
            var data = RandomNumberGenerator.GetBytes(LayerBytes);
            string diffId;
            await using (var file = File.Create(path))
            {
                await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
                await using var tar = new HashingStream(gzip);
                await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, $"data/layer{i}.bin") { DataStream = new MemoryStream(data) });
                diffId = tar.Digest();
            }
            await using var upload = File.OpenRead(path);
            var digest = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(upload));
            upload.Position = 0;
            await registry.UploadBlobAsync(Repository, digest, upload, upload.Length);
            layers.Add((digest, upload.Length, diffId));
        }

        var config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            created = DateTime.UtcNow,
            config = new { Cmd = new[] { "/bin/true" } },
            rootfs = new { type = "layers", diff_ids = layers.Select(l => l.DiffId) },
            history = layers.Select((_, i) => new { created_by = $"bench layer {i}" }),
        });
        var configDigest = RegistryClient.Sha256Digest(config);
        await registry.UploadBlobAsync(Repository, configDigest, new MemoryStream(config), config.Length);

        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.DockerManifest,
            config = new { mediaType = MediaTypes.DockerConfig, size = config.Length, digest = configDigest },
            layers = layers.Select(l => new { mediaType = MediaTypes.DockerLayerGzip, size = l.Size, digest = l.Digest }),
        });
        await registry.PutManifestAsync(Repository, Tag, manifest, MediaTypes.DockerManifest);
        return await registry.ResolveAsync(Repository, Tag) ?? throw new InvalidOperationException("the pushed image does not resolve");
    }
    finally
    {
        dir.Delete(recursive: true);
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
