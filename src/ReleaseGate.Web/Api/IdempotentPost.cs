using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Integrations;

namespace ReleaseGate.Web.Api;

/// <summary>
/// Idempotency-Key on every POST: a retry with the same key and body gets the first answer again
/// (also after a restart: it is kept in the database); the same key with another body is refused;
/// a retry while the first call still runs is told to wait. Only successful answers are kept, so a
/// refused call leaves nothing behind.
/// </summary>
public sealed class IdempotentPost(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time) : IEndpointFilter
{
    /// <summary>
    /// A call "still running" for longer than this died with its process; a retry may take over. Far longer than any
    /// call it guards may run (registration resolves a digest with bounded retries; clients give up after a minute).
    /// </summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A call begun before this process started ran in a process that is gone (killed or restarted): its retry takes
    /// over at once instead of being told to wait for a call that will never finish.
    /// </summary>
    public static readonly DateTimeOffset ProcessStarted = new(System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime());

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length is < 1 or > 255)
            return await ApiProblems.RefuseAsync(http, StatusCodes.Status400BadRequest, "idempotency-key-required",
                "Every POST needs an Idempotency-Key header.", "The Idempotency-Key header must be 1 to 255 characters.", "Idempotency-Key");

        var keyId = SignedRequest.KeyId(http);
        var hash = Convert.ToHexStringLower(SHA256.HashData(SignedRequest.Body(http).Span));
        var now = time.GetUtcNow();

        await using (var db = await dbs.CreateDbContextAsync(http.RequestAborted))
        {
            var earlier = await db.IdempotencyRecords.SingleOrDefaultAsync(r => r.KeyId == keyId && r.Key == key, http.RequestAborted);
            if (earlier is not null)
            {
                if (earlier.RequestHash != hash)
                    return await ApiProblems.RefuseAsync(http, StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused",
                        "This Idempotency-Key was used with another body.", $"The key '{key}' already answered a different request.", "Idempotency-Key");
                if (earlier.CompletedAt is not null)
                    return new ApiAnswer(earlier.StatusCode, earlier.ResponseBody ?? "{}", earlier.Location, Replayed: true);
                if (now - earlier.CreatedAt < Abandoned && earlier.CreatedAt >= ProcessStarted)
                    return await ApiProblems.RefuseAsync(http, StatusCodes.Status409Conflict, "idempotency-in-progress",
                        "The first call with this Idempotency-Key is still running.", "Retry in a few seconds.", "Idempotency-Key");
                db.IdempotencyRecords.Remove(earlier);
            }
            db.IdempotencyRecords.Add(new IdempotencyRecord { KeyId = keyId, Key = key, RequestHash = hash, CreatedAt = now });
            try
            {
                await db.SaveChangesAsync(http.RequestAborted);
            }
            catch (DbUpdateException)
            {
                // Another call with the same key got in first, a moment ago.
                return await ApiProblems.RefuseAsync(http, StatusCodes.Status409Conflict, "idempotency-in-progress",
                    "The first call with this Idempotency-Key is still running.", "Retry in a few seconds.", "Idempotency-Key");
            }
        }

        object? result = null;
        try
        {
            result = await next(context);
            return result;
        }
        finally
        {
            await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
            var record = await db.IdempotencyRecords.SingleAsync(r => r.KeyId == keyId && r.Key == key, CancellationToken.None);
            if (result is ApiAnswer { StatusCode: >= 200 and < 300 } answer)
            {
                record.CompletedAt = time.GetUtcNow();
                record.StatusCode = answer.StatusCode;
                record.ResponseBody = answer.Json;
                record.Location = answer.Location;
            }
            else
            {
                db.IdempotencyRecords.Remove(record);
            }
            await db.SaveChangesAsync(CancellationToken.None);
        }
    }
}
