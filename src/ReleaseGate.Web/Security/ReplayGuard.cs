using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Integrations;

namespace ReleaseGate.Web.Security;

/// <summary>
/// A signature is accepted once. Seen signatures are kept in the database (a restart forgets nothing) for as
/// long as their timestamp is accepted; the same call sent again with its own Idempotency-Key is a retry, which
/// the idempotency store answers, while any other reuse is a replay.
/// </summary>
public sealed class ReplayGuard(IDbContextFactory<ReleaseGateDb> dbs)
{
    public async Task<bool> IsReplayAsync(string keyId, byte[] signature, string idempotencyKey, DateTimeOffset signedAt, CancellationToken ct)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(signature));
        await using var db = await dbs.CreateDbContextAsync(ct);
        var seen = await db.SeenSignatures.AsNoTracking().SingleOrDefaultAsync(s => s.Hash == hash, ct);
        if (seen is not null) return !IsRetry(seen, keyId, idempotencyKey);
        db.SeenSignatures.Add(new SeenSignature { Hash = hash, KeyId = keyId, IdempotencyKey = idempotencyKey, SignedAt = signedAt });
        try
        {
            await db.SaveChangesAsync(ct);
            return false;
        }
        catch (DbUpdateException)
        {
            // The same signature arrived twice at once: the row that won decides.
            db.ChangeTracker.Clear();
            seen = await db.SeenSignatures.AsNoTracking().SingleAsync(s => s.Hash == hash, ct);
            return !IsRetry(seen, keyId, idempotencyKey);
        }
    }

    private static bool IsRetry(SeenSignature seen, string keyId, string idempotencyKey) =>
        idempotencyKey.Length > 0 && seen.KeyId == keyId && seen.IdempotencyKey == idempotencyKey;

    /// <summary>Forgets signatures whose timestamps are refused anyway.</summary>
    public static Task<int> PruneAsync(ReleaseGateDb db, DateTimeOffset now, CancellationToken ct) =>
        db.SeenSignatures.Where(s => s.SignedAt < now - Api.SignedRequest.ClockTolerance * 2).ExecuteDeleteAsync(ct);
}
