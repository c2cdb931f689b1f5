using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace ReleaseGate.Web.Security;

/// <summary>
/// ASP.NET's rate limiter on /api/ (per key, and per address whatever key is named) and on sign-in (per address):
/// 429 with Retry-After; under /api/ as problem+json. Rejections are tallied, not audited one by one.
/// </summary>
public static class RateLimits
{
    private static readonly RateLimitPartition<string> None = RateLimitPartition.GetNoLimiter("");

    public static void AddPortalRateLimits(this IServiceCollection services, SecuritySettings settings)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => IsApi(http) && CallerKey(http) is { } key
                    ? PerMinute("key:" + key, settings.ApiCallsPerMinutePerKey) : None),
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    IsApi(http) ? PerMinute("api:" + Address(http), settings.ApiCallsPerMinutePerAddress)
                    : IsSignIn(http) ? PerMinute("sign-in:" + Address(http), settings.SignInsPerMinutePerAddress)
                    : None));
            o.OnRejected = RejectAsync;
        });
    }

    private static RateLimitPartition<string> PerMinute(string partition, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        });

    private static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api");

    private static bool IsSignIn(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments("/account/login");

    public static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "(unknown)";

    /// <summary>The key id, or a hash of a bearer token (never the token itself as a dictionary key).</summary>
    private static string? CallerKey(HttpContext http)
    {
        if (http.Request.Headers["X-ReleaseGate-Key"].ToString() is { Length: > 0 and <= 128 } key) return key;
        return http.Request.Headers.Authorization.ToString() is { Length: > 0 } auth
            ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(auth)))[..32] : null;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
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
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync($"Too many sign-in attempts; retry after {seconds} s.\n登录尝试次数过多,请在 {seconds} 秒后重试。\n", ct);
    }
}
