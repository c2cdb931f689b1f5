using System.Collections.Concurrent;
using System.Text.Json;

namespace ReleaseGate.Registry;

/// <summary>Promotes one image by digest from a source repository to a target repository over the registry API.</summary>
public static class ImageCopy
{
    /// <summary>
    /// Copies <paramref name="digest"/> (a manifest, or an OCI index / Docker manifest list with all its children) byte for
    /// byte: blobs first (skipped when present, mounted within one registry, otherwise streamed in parallel and verified
    /// against their digests), then child manifests, then the manifest by digest and by <paramref name="tag"/>. Finally
    /// checks that the target serves <paramref name="tag"/> (or the digest when no tag is given) as exactly
    /// <paramref name="digest"/>, and throws a <see cref="RegistryException"/> otherwise.
    /// An image the target already serves is only verified and re-tagged.
    /// </summary>
    public static async Task<CopyResult> CopyAsync(RegistryClient source, string sourceRepository, RegistryClient target, string targetRepository,
        string digest, string? tag, IProgress<CopyProgress>? progress = null, CopyOptions? options = null, CancellationToken ct = default)
    {
        options ??= CopyOptions.Default;
        var reference = tag ?? digest;

        // Re-promotion: one HEAD answers it when the tag already points at the digest.
        var present = await target.ResolveAsync(targetRepository, reference, ct);
        if (present?.Digest == digest)
            return new CopyResult(digest, present.MediaType, [], 0);
        if (tag is not null && await target.ResolveAsync(targetRepository, digest, ct) is { } byDigest)
        {
            // The target holds the image (a registry accepts a manifest only once its blobs are there): re-tag it.
            var (bytes, mediaType, _) = await target.GetManifestAsync(targetRepository, digest, ct);
            await target.PutManifestAsync(targetRepository, tag, bytes, mediaType, ct);
            await VerifyAsync(target, targetRepository, reference, digest, ct);
            return new CopyResult(digest, byDigest.MediaType, [], 1);
        }

        var plan = new List<(string Digest, byte[] Bytes, string MediaType)>();
        var blobs = new Dictionary<string, long>();
        await PlanAsync(source, sourceRepository, digest, plan, blobs, ct);

        var copied = await CopyBlobsAsync(source, sourceRepository, target, targetRepository, blobs, options, progress, ct);

        // Children before their index, each by digest; the root by digest, then by tag.
        foreach (var manifest in plan)
            await target.PutManifestAsync(targetRepository, manifest.Digest, manifest.Bytes, manifest.MediaType, ct);
        if (tag is not null)
            await target.PutManifestAsync(targetRepository, tag, plan[^1].Bytes, plan[^1].MediaType, ct);

        await VerifyAsync(target, targetRepository, reference, digest, ct);
        return new CopyResult(digest, plan[^1].MediaType, copied, plan.Count + (tag is null ? 0 : 1));
    }

    /// <summary>Collects manifests in the order they must be put (children first) and the distinct blobs they need.</summary>
    private static async Task PlanAsync(RegistryClient source, string repository, string digest,
        List<(string, byte[], string)> plan, Dictionary<string, long> blobs, CancellationToken ct)
    {
        var (bytes, mediaType, _) = await source.GetManifestAsync(repository, digest, ct); // verifies the bytes hash to digest
        using (var manifest = JsonDocument.Parse(bytes))
        {
            var root = manifest.RootElement;
            if (MediaTypes.IsIndex(mediaType))
            {
                foreach (var child in root.GetProperty("manifests").EnumerateArray())
                    await PlanAsync(source, repository, child.GetProperty("digest").GetString()!, plan, blobs, ct);
            }
            else
            {
                if (root.TryGetProperty("config", out var config))
                    blobs.TryAdd(config.GetProperty("digest").GetString()!, config.GetProperty("size").GetInt64());
                if (root.TryGetProperty("layers", out var layers))
                    foreach (var layer in layers.EnumerateArray().Where(l => !l.TryGetProperty("urls", out _))) // foreign layers live elsewhere
                        blobs.TryAdd(layer.GetProperty("digest").GetString()!, layer.GetProperty("size").GetInt64());
            }
        }
        plan.Add((digest, bytes, mediaType));
    }

    private static async Task<IReadOnlyList<BlobCopy>> CopyBlobsAsync(RegistryClient source, string sourceRepository,
        RegistryClient target, string targetRepository, Dictionary<string, long> blobs, CopyOptions options,
        IProgress<CopyProgress>? progress, CancellationToken ct)
    {
        var meter = new ProgressMeter(progress, blobs.Values.Sum(), blobs.Count);
        var transfer = new BlobTransfer(source, sourceRepository, target, targetRepository, options, meter.AddBytes);
        var results = new ConcurrentBag<BlobCopy>();
        // Largest first: the longest transfer starts at once instead of last.
        await Parallel.ForEachAsync(blobs.OrderByDescending(b => b.Value),
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelBlobs, CancellationToken = ct },
            async (blob, token) =>
            {
                var outcome = await transfer.CopyAsync(blob.Key, blob.Value, token);
                results.Add(new BlobCopy(blob.Key, blob.Value, outcome));
                meter.BlobDone(outcome == BlobCopyOutcome.Uploaded ? 0 : blob.Value);
            });
        return [.. results.OrderBy(b => b.Digest, StringComparer.Ordinal)];
    }

    private static async Task VerifyAsync(RegistryClient target, string repository, string reference, string digest, CancellationToken ct)
    {
        var served = await target.ResolveAsync(repository, reference, ct);
        if (served?.Digest != digest)
            throw new RegistryException(
                $"After copying {digest} to {target.Endpoint.Authority}/{repository}, the target serves {reference} as {served?.Digest ?? "nothing"}.", false);
    }
}
