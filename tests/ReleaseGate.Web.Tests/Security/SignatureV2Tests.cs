using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Web.Integrations;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// What a signature binds: v2 covers method, path, query, time and body; v1 only where an admin allows it for the key;
/// the per-key allowance is spent only by calls whose signature checked out.
/// </summary>
public class SignatureV2Tests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Build = """{"application":"sig-web","status":"succeeded","buildNumber":7,"buildUrl":"https://jenkins.example.com/job/sig/7/"}""";

    private static HttpRequestMessage Post(string path, string signature, string key = ApiPortal.KeyId, string body = Build)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-ReleaseGate-Key", key);
        request.Headers.Add("X-ReleaseGate-Signature", signature);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task A_v2_signature_made_for_another_path_method_or_query_is_refused()
    {
        using var portal = new ApiPortal();
        await portal.SeedDemoAsync("sig-web");
        var http = portal.CreateClient();
        var forCandidates = ApiClient.Sign(ApiPortal.Secret, Now, Bytes(Build), HttpMethod.Post, "/api/v1/candidates");
        var forPut = ApiClient.Sign(ApiPortal.Secret, Now, Bytes(Build), HttpMethod.Put, "/api/v1/builds");
        var withQuery = ApiClient.Sign(ApiPortal.Secret, Now, Bytes(Build), HttpMethod.Post, "/api/v1/builds?dry=1");

        var otherPath = await http.SendAsync(Post("/api/v1/builds", forCandidates), Ct);
        var otherMethod = await http.SendAsync(Post("/api/v1/builds", forPut), Ct);
        var otherQuery = await http.SendAsync(Post("/api/v1/builds", withQuery), Ct);
        var right = await http.SendAsync(Post("/api/v1/builds", ApiClient.Sign(ApiPortal.Secret, Now, Bytes(Build), HttpMethod.Post, "/api/v1/builds")), Ct);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Accepted],
            [otherPath.StatusCode, otherMethod.StatusCode, otherQuery.StatusCode, right.StatusCode]);
    }

    [Fact]
    public async Task A_v1_signature_is_refused_unless_an_admin_allows_it_for_that_key()
    {
        using var portal = new ApiPortal();
        await portal.SeedDemoAsync("sig-web");
        var secrets = portal.Services.GetRequiredService<IntegrationSecrets>();
        var (legacyKey, legacySecret) = (await secrets.CreateAsync("old Jenkins", ["sig-web"], allowV1: true, PortalFactory.AdminEmail, Ct))!.Value;
        var http = portal.CreateClient();

        var refused = await http.SendAsync(Post("/api/v1/builds", ApiClient.SignV1(ApiPortal.Secret, Now, Bytes(Build))), Ct);
        var allowed = await http.SendAsync(Post("/api/v1/builds", ApiClient.SignV1(legacySecret, Now, Bytes(Build)), legacyKey), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("must sign v2", await refused.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
    }

    [Fact]
    public async Task Calls_that_only_name_a_key_do_not_spend_its_allowance()
    {
        using var portal = new ApiPortal();
        portal.Settings["ReleaseGate:Security:ApiCallsPerMinutePerKey"] = "3";
        await portal.SeedDemoAsync("sig-web");
        var http = portal.CreateClient();
        // Before, the partition was the named key: these five would have used up the real Jenkins' three calls.
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Post("/api/v1/builds", $"t={Now},v2={new string('0', 64)}"), Ct)).StatusCode);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var body = Build.Replace("\"buildNumber\":7", $"\"buildNumber\":{100 + i}");
            answers.Add((await http.SendAsync(Post("/api/v1/builds", ApiClient.Sign(ApiPortal.Secret, Now, Bytes(body), HttpMethod.Post, "/api/v1/builds"), body: body), Ct)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], answers);
    }

    [Theory]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("192.0.2.7", "192.0.2.7")]
    public void An_IPv6_caller_is_limited_per_64_and_an_IPv4_one_per_address(string address, string partition) =>
        Assert.Equal(partition, Security.RateLimits.Partition(IPAddress.Parse(address)));
}
