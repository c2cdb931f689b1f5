using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Web.Security;

namespace ReleaseGate.Web.Tests;

/// <summary>Rate limits answer 429 with Retry-After; floods cost the audit trail a summary, not a row per call; every /api/ error is a problem.</summary>
public class ApiLimitsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_burst_of_unauthenticated_calls_gets_429s_with_retry_after_and_only_a_handful_of_audit_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Security:ApiCallsPerMinutePerAddress"] = "100";
        var http = portal.CreateClient();
        var auditBefore = AuditRows(portal);

        var responses = new List<HttpResponseMessage>();
        await Parallel.ForAsync(0, 500, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (_, token) =>
        {
            var response = await http.GetAsync($"/api/v1/candidates/{Guid.NewGuid()}", token);
            lock (responses) responses.Add(response);
        });
        await portal.Services.GetRequiredService<RefusalTally>().FlushAsync(final: true);

        var tooMany = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var unauthorized = responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized);
        var auditRows = AuditRows(portal) - auditBefore;
        output.WriteLine($"500 calls: {unauthorized} × 401, {tooMany.Count} × 429, {auditRows} audit rows");
        Assert.Equal(500, unauthorized + tooMany.Count);
        Assert.True(tooMany.Count >= 400, $"{tooMany.Count} × 429");
        Assert.All(tooMany, r =>
        {
            Assert.True(r.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        });
        Assert.InRange(auditRows, 1, 4); // the first refusal in full, and a summary (two if the burst crossed a minute)
    }

    private static int AuditRows(PortalFactory portal)
    {
        using var db = portal.CreateDb();
        return db.AuditEvents.Count();
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_limited()
    {
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Security:SignInsPerMinutePerAddress"] = "3";
        var http = portal.CreateBrowserLikeClient();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
            last = await http.PostAsync("/account/login", new FormUrlEncodedContent([new("Input.Email", "x@example.com")]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Change_password_attempts_from_one_address_are_limited_like_sign_ins()
    {
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Security:SignInsPerMinutePerAddress"] = "3";
        var http = portal.CreateBrowserLikeClient();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            answers.Add((await http.PostAsync("/account/password", new FormUrlEncodedContent([new("Input.Current", "guess")]), TestContext.Current.CancellationToken)).StatusCode);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, answers.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[3]);
    }

    [Theory]
    [InlineData("GET", "/api/v1/candidates/not-a-guid", 404, "not-found")]
    [InlineData("GET", "/api/v1/no-such-thing", 404, "not-found")]
    [InlineData("GET", "/api/nothing/here", 404, "not-found")]
    [InlineData("DELETE", "/api/v1/builds", 405, "method-not-allowed")]
    [InlineData("PUT", "/api/v1/candidates", 405, "method-not-allowed")]
    public async Task Every_error_under_api_is_problem_json(string method, string path, int status, string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        using var portal = new PortalFactory();
        var response = await portal.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path), ct);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal($"urn:releasegate:problem:{kind}", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
    }
}
