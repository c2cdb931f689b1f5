using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace ReleaseGate.Web.Security;

/// <summary>
/// ASP.NET's rate limiter on /api/ and on sign-in, per address (IPv6 per /64, what one host is usually given): 429 with
/// Retry-After; under /api/ as problem+json. The per-key limit is <see cref="CallerLimits"/>, taken only once the key or
/// token has been checked. Rejections are tallied, not audited one by one.
/// </summary>
public static class RateLimits
{
    private static readonly RateLimitPartition<string> None = RateLimitPartition.GetNoLimiter("");

    public static void AddPortalRateLimits(this IServiceCollection services, SecuritySettings settings)
    {
        services.AddSingleton(new CallerLimits(settings.ApiCallsPerMinutePerKey));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsApi(http) ? PerMinute("api:" + Address(http), settings.ApiCallsPerMinutePerAddress)
                : IsSignIn(http) ? PerMinute("sign-in:" + Address(http), settings.SignInsPerMinutePerAddress)
                : None);
            o.OnRejected = RejectAsync;
        });
    }

    internal static RateLimitPartition<string> PerMinute(string partition, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        });

    private static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api");

    // The password forms: signing in and changing one's password (which checks the current password).
    private static bool IsSignIn(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && (http.Request.Path.StartsWithSegments("/account/login") || http.Request.Path.StartsWithSegments("/account/password"));

    public static string Address(HttpContext http) => Partition(http.Connection.RemoteIpAddress);

    /// <summary>An IPv4 address as it is; an IPv6 one as its /64, since one host holds a whole /64 and could step through it.</summary>
    public static string Partition(IPAddress? address)
    {
        if (address is null) return "(unknown)";
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4().ToString();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    internal static async ValueTask WriteRetryAfterAsync(HttpContext http, TimeSpan retryAfter, CancellationToken ct)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (IsApi(http))
        {
            var problem = await Api.ApiProblems.RefuseAsync(http, StatusCodes.Status429TooManyRequests, "too-many-requests", "Too many calls.",
                $"This caller made too many calls; retry after {seconds} s.");
            await problem.ExecuteAsync(http);
            return;
        }
        http.RequestServices.GetRequiredService<RefusalTally>().Count("sign-in " + Address(http), StatusCodes.Status429TooManyRequests);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync($"Too many sign-in attempts; retry after {seconds} s.\n登录尝试次数过多,请在 {seconds} 秒后重试。\n", ct);
    }

    private static ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct) =>
        WriteRetryAfterAsync(context.HttpContext, context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1), ct);
}

/// <summary>
/// Calls a minute per integration key or token, taken after its signature or token was found good: an unauthenticated
/// header can neither spend another caller's allowance nor make a fresh partition per call.
/// </summary>
public sealed class CallerLimits(int perMinute) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter =
        PartitionedRateLimiter.Create<string, string>(caller => RateLimits.PerMinute(caller, perMinute));

    /// <summary>Null when the call may go on; otherwise the 429 answer, already written.</summary>
    public async Task<IResult?> RefuseAsync(HttpContext http, string caller)
    {
        using var lease = limiter.AttemptAcquire(caller);
        if (lease.IsAcquired) return null;
        await RateLimits.WriteRetryAfterAsync(http, lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1), http.RequestAborted);
        return Results.Empty;
    }

    public void Dispose() => limiter.Dispose();
}
