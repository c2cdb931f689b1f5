namespace ReleaseGate.Core.Promotions;

/// <summary>
/// The copy of a candidate's signed digest to the production registry, with its progress for pages and the API
/// (<c>promotion: { bytesCopied, bytesTotal, blobsCopied, blobsTotal }</c>). One row a candidate; a retry reuses it.
/// </summary>
public sealed class Promotion
{
    public Guid CandidateId { get; init; }
    public int Attempts { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long BytesCopied { get; set; }
    public long BytesTotal { get; set; }
    public int BlobsCopied { get; set; }
    public int BlobsTotal { get; set; }
    /// <summary>The digest the production registry answered with after the copy.</summary>
    public string? ProductionDigest { get; set; }
    public string? Error { get; set; }
}
