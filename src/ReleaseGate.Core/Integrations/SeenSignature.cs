namespace ReleaseGate.Core.Integrations;

/// <summary>
/// A signed call already received: the SHA-256 of its signature value, kept while its timestamp is still accepted,
/// so a captured call replayed within the window is refused even after a restart.
/// </summary>
public sealed class SeenSignature
{
    public required string Hash { get; init; }
    public required string KeyId { get; init; }
    /// <summary>The Idempotency-Key it came with: a retry of the very same call is the idempotency store's to answer.</summary>
    public string IdempotencyKey { get; init; } = "";
    /// <summary>The signature's own timestamp; rows older than the clock tolerance can go.</summary>
    public DateTimeOffset SignedAt { get; init; }
}
