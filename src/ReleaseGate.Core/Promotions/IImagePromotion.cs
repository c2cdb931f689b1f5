namespace ReleaseGate.Core.Promotions;

/// <summary>How far a copy has got.</summary>
public readonly record struct CopyProgress(long BytesCopied, long BytesTotal, int BlobsCopied, int BlobsTotal);

/// <summary>Copies an image between registries by digest (port; the registry v2 client fills it).</summary>
public interface IImagePromotion
{
    /// <summary>
    /// Copies <paramref name="sourceRepository"/>@<paramref name="digest"/> to <paramref name="targetRepository"/> under
    /// <paramref name="tag"/>, reporting progress as it goes, and returns the digest the target now serves for the tag.
    /// Throws <see cref="ImagePromotionException"/> with the registry's own message once the adapter's retries are spent.
    /// </summary>
    Task<string> CopyAsync(string sourceRepository, string digest, string targetRepository, string tag,
        IProgress<CopyProgress> progress, CancellationToken ct);
}

/// <summary>The copy failed; <see cref="Unreachable"/> when a registry could not be reached (or answered 502/503/504), which may pass.</summary>
public sealed class ImagePromotionException(string message, Exception? inner = null, bool unreachable = false) : Exception(message, inner)
{
    public bool Unreachable { get; } = unreachable;
}

/// <summary>Queues a durable promotion of a candidate (port; a Quartz job fills it and runs <see cref="PromoteCandidate"/>).</summary>
public interface IPromotionQueue
{
    /// <summary>Queues the promotion unless one is already waiting or running for the candidate.</summary>
    Task EnqueueAsync(Guid candidateId, CancellationToken ct);
    /// <summary>From the running promotion itself: run it again after <paramref name="after"/>.</summary>
    Task RetryAsync(Guid candidateId, TimeSpan after, CancellationToken ct);
}
