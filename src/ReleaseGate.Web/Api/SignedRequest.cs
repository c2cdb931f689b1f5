using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ReleaseGate.Web.Integrations;

namespace ReleaseGate.Web.Api;

/// <summary>
/// Checks that a call comes from a known integration: v2 is HMAC-SHA256 with its secret over
/// "v2\n&lt;t&gt;\n&lt;METHOD&gt;\n&lt;path&gt;\n&lt;query&gt;\n&lt;hex SHA-256 of the raw body&gt;" (so a captured signature fits no other
/// call); v1 over "&lt;t&gt;.&lt;raw body&gt;" only for a key an admin lets sign v1. Compared in constant time with the current
/// secret and, during a rotation, the previous one; the timestamp within five minutes of our clock.
/// </summary>
public sealed class SignedRequest(IntegrationSecrets secrets, TimeProvider time, Security.ReplayGuard replays, Security.CallerLimits limits) : IEndpointFilter
{
    public const int MaxBodyBytes = 64 * 1024;
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(300);
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
    private const string BodyItem = "releasegate.body";
    private const string KeyItem = "releasegate.key";

    public static ReadOnlyMemory<byte> Body(HttpContext http) => (byte[])http.Items[BodyItem]!;
    public static string KeyId(HttpContext http) => (string)http.Items[KeyItem]!;
    /// <summary>Whether this call's signature was checked and found good.</summary>
    public static bool IsVerified(HttpContext http) => http.Items.ContainsKey(KeyItem);

    /// <summary>Keeps the body read once (and the integration, when signed) for the endpoint.</summary>
    internal static void Keep(HttpContext http, byte[] body, string? keyId)
    {
        http.Items[BodyItem] = body;
        if (keyId is not null) http.Items[KeyItem] = keyId;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keyId = http.Request.Headers["X-ReleaseGate-Key"].ToString();
        http.Items[ApiProblems.ClaimedKeyItem] = keyId;

        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        if (body is null)
            return await ApiProblems.RefuseAsync(http, StatusCodes.Status413PayloadTooLarge, "payload-too-large",
                "The body is too large.", $"The body must be at most {MaxBodyBytes} bytes.", "body");

        if (string.IsNullOrEmpty(keyId))
            return await Unauthorized(http, "The X-ReleaseGate-Key header is missing.", "X-ReleaseGate-Key");
        if (!TryParse(http.Request.Headers["X-ReleaseGate-Signature"].ToString(), out var timestamp, out var signature, out var version))
            return await Unauthorized(http, "The X-ReleaseGate-Signature header is missing or not of the form t=<unix seconds>,v2=<hex>.", "X-ReleaseGate-Signature");
        // A timestamp no clock can show (past year 9999) is as stale as any other, not a crash.
        if (timestamp > MaxUnixSeconds)
            return await Unauthorized(http, "The signature's timestamp is not a time.", "X-ReleaseGate-Signature");
        var skew = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (skew.Duration() > ClockTolerance)
            return await Unauthorized(http, $"The signature's timestamp is {Math.Abs((long)skew.TotalSeconds)} s {(skew > TimeSpan.Zero ? "old" : "in the future")}; at most {ClockTolerance.TotalSeconds} s is accepted.", "X-ReleaseGate-Signature");

        var key = await secrets.FindAsync(keyId, http.RequestAborted);
        if (key is null)
            return await Unauthorized(http, $"The key '{keyId}' is unknown or revoked.", "X-ReleaseGate-Key");
        if (version == 1 && !key.AllowV1)
            return await Unauthorized(http, $"The key '{keyId}' must sign v2 (method, path, query, time and body); v1 is not accepted for it. Update the client (scripts/jenkins/releasegate.sh).", "X-ReleaseGate-Signature");
        var signed = version == 2 ? V2Text(http.Request, timestamp, body) : V1Text(timestamp, body);
        bool Matches(byte[] secret) => CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(secret, signed), signature);
        var byCurrent = Matches(key.Current);
        var byPrevious = !byCurrent && key.Previous is { } previous && Matches(previous);
        if (!byCurrent && !byPrevious)
            return await Unauthorized(http, "The signature does not match the call.", "X-ReleaseGate-Signature");
        // Only a verified key gets a partition of its own: a header alone cannot spend another key's calls or mint new partitions.
        if (await limits.RefuseAsync(http, "key:" + keyId) is { } refused) return refused;
        await secrets.NoteUsedAsync(key, byPrevious, http.RequestAborted);

        // Calls that change something are accepted once per signature; GETs only read (and pollers may repeat one within a
        // second); a POST without a usable Idempotency-Key is refused next, having done nothing.
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        if (!HttpMethods.IsGet(http.Request.Method) && idempotencyKey.Length is >= 1 and <= 255 && await replays.IsReplayAsync(keyId, signature,
                idempotencyKey, DateTimeOffset.FromUnixTimeSeconds(timestamp), http.RequestAborted))
            return await Unauthorized(http, "This signature was already used: sign every call afresh (a replayed call is refused).", "X-ReleaseGate-Signature");

        Keep(http, body, keyId);
        return await next(context);
    }

    private static Task<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult> Unauthorized(HttpContext http, string detail, string field)
    {
        http.Response.Headers.WWWAuthenticate = "ReleaseGate-HMAC";
        return ApiProblems.RefuseAsync(http, StatusCodes.Status401Unauthorized, "unauthorized", "The call is not signed by a known integration.", detail, field);
    }

    /// <summary>The whole body, or null when it is larger than the limit (read no further than that).</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes) return null;
        }
        return buffer.ToArray();
    }

    /// <summary>What v1 signs: "&lt;t&gt;." and the raw body.</summary>
    public static byte[] V1Text(long timestamp, byte[] body) =>
        [.. Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."), .. body];

    /// <summary>What v2 signs: the version, time, method, path (as sent), query (as sent, without '?') and the body's hash, one per line.</summary>
    public static byte[] V2Text(HttpRequest request, long timestamp, byte[] body) =>
        Encoding.UTF8.GetBytes(string.Join('\n', "v2", timestamp.ToString(CultureInfo.InvariantCulture), request.Method.ToUpperInvariant(),
            request.PathBase.Add(request.Path).ToUriComponent(), (request.QueryString.Value ?? "").TrimStart('?'),
            Convert.ToHexStringLower(SHA256.HashData(body))));

    /// <summary>t and one signature: v2 when given (a client sending both is judged by v2), else v1.</summary>
    private static bool TryParse(string header, out long timestamp, out byte[] signature, out int version)
    {
        timestamp = 0;
        signature = [];
        version = 0;
        string? t = null, v1 = null, v2 = null;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal)) t = part[2..];
            else if (part.StartsWith("v1=", StringComparison.Ordinal)) v1 = part[3..];
            else if (part.StartsWith("v2=", StringComparison.Ordinal)) v2 = part[3..];
        }
        var hex = v2 ?? v1;
        version = v2 is not null ? 2 : 1;
        if (t is null || hex is null || hex.Length != 64 || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
            return false;
        try { signature = Convert.FromHexString(hex); return true; }
        catch (FormatException) { return false; }
    }
}
