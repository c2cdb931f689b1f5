namespace ReleaseGate.Registry;

public enum BlobCopyOutcome { AlreadyPresent, Mounted, Uploaded }

/// <summary>How blob bytes are sent to the target registry.</summary>
public enum BlobUploadMode
{
    /// <summary>POST, then one PUT whose streamed body is the whole blob (two requests; the default, faster here).</summary>
    Monolithic,
    /// <summary>POST, one streamed PATCH, then an empty PUT with the digest (three requests).</summary>
    Chunked,
}

/// <summary>
/// Progress of one <see cref="ImageCopy.CopyAsync"/>. "Copied" means in place in the target, whether streamed,
/// mounted or already there, so the figures reach their totals; <see cref="CopyResult"/> says how much really moved.
/// </summary>
public sealed record CopyProgress(long BytesCopied, long BytesTotal, int BlobsCopied, int BlobsTotal);

/// <summary>One blob of the copied image and what happened to it.</summary>
public sealed record BlobCopy(string Digest, long Size, BlobCopyOutcome Outcome);

/// <summary>What a copy did; <see cref="Digest"/> is the digest the target was verified to serve under the tag.</summary>
public sealed record CopyResult(string Digest, string MediaType, IReadOnlyList<BlobCopy> Blobs, int ManifestsPut)
{
    /// <summary>Bytes streamed from source to target (0 when everything was present or mounted).</summary>
    public long BytesCopied => Blobs.Where(b => b.Outcome == BlobCopyOutcome.Uploaded).Sum(b => b.Size);
    public int BlobsCopied => Blobs.Count(b => b.Outcome == BlobCopyOutcome.Uploaded);
    public int BlobsSkipped => Blobs.Count(b => b.Outcome == BlobCopyOutcome.AlreadyPresent);
    public int BlobsMounted => Blobs.Count(b => b.Outcome == BlobCopyOutcome.Mounted);
}

/// <summary>Tuning for <see cref="ImageCopy.CopyAsync"/>; the defaults were measured against the local registries (bench/Promotion).</summary>
public sealed record CopyOptions
{
    public static readonly CopyOptions Default = new();

    /// <summary>Blobs in flight at once.</summary>
    public int MaxParallelBlobs { get; init; } = 6;

    public BlobUploadMode UploadMode { get; init; } = BlobUploadMode.Monolithic;

    /// <summary>Size of each of the two buffers a streamed blob passes through.</summary>
    public int BufferSize { get; init; } = 1024 * 1024;
}
