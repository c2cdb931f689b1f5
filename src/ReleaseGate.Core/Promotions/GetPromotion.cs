using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Promotions;

/// <summary>The API's <c>promotion: { bytesCopied, bytesTotal, blobsCopied, blobsTotal }</c>, plus what a page adds to it.</summary>
public sealed record PromotionView(
    long BytesCopied, long BytesTotal, int BlobsCopied, int BlobsTotal, int Attempts,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? ProductionDigest, string? Error);

/// <summary>How far a candidate's copy to production has got; NotFound until its first promotion starts.</summary>
public sealed class GetPromotion(IDbContextFactory<ReleaseGateDb> dbs)
{
    public async Task<Outcome<PromotionView>> RunAsync(Guid candidateId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var view = await db.Promotions.AsNoTracking().Where(p => p.CandidateId == candidateId)
            .Select(p => new PromotionView(p.BytesCopied, p.BytesTotal, p.BlobsCopied, p.BlobsTotal, p.Attempts, p.StartedAt, p.FinishedAt, p.ProductionDigest, p.Error))
            .SingleOrDefaultAsync(ct);
        return view is null
            ? new Refusal(RefusalCode.NotFound, "", $"Candidate {candidateId} has not been promoted.", $"候选版本 {candidateId} 尚未开始发布。")
            : view;
    }
}
