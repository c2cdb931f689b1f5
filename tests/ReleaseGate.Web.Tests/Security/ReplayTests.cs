using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ReleaseGate.Web.Tests;

/// <summary>A captured signed call cannot be sent again, not even after a restart; nonsense timestamps are 401, not 500.</summary>
public class ReplayTests
{
    private const string Body = """{"application":"replay-web","status":"succeeded","buildNumber":7,"buildUrl":"https://jenkins.example.com/job/replay/7/"}""";

    private static HttpRequestMessage Signed(string signature, string idempotencyKey, string body = Body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/builds") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-ReleaseGate-Key", ApiPortal.KeyId);
        request.Headers.Add("X-ReleaseGate-Signature", signature);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    [Fact]
    public async Task A_replayed_signature_with_a_fresh_idempotency_key_is_refused_once_audited_and_remembered_across_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        var signature = ApiClient.Sign(ApiPortal.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(Body), HttpMethod.Post, "/api/v1/builds");
        string database;
        using (var portal = new ApiPortal { KeepDatabase = true })
        {
            database = portal.DatabasePath;
            await portal.SeedDemoAsync("replay-web");
            var http = portal.CreateClient();
            Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(Signed(signature, "first"), ct)).StatusCode);
            var audited = DatabaseSnapshot.AuditCount(database);

            var replay = await http.SendAsync(Signed(signature, "another"), ct);

            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
            Assert.Equal("application/problem+json", replay.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await replay.Content.ReadAsStringAsync(ct));
            Assert.Contains("already used", problem.RootElement.GetProperty("detail").GetString());
            Assert.Equal(audited + 1, DatabaseSnapshot.AuditCount(database));
            // The very same call retried (same Idempotency-Key) still gets its first answer.
            var retry = await http.SendAsync(Signed(signature, "first"), ct);
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
            Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        }
        using (var restarted = new ApiPortal())
        {
            // Same database, new process state.
            restarted.Settings["ReleaseGate:Database:ConnectionString"] = $"Data Source={database}";
            var again = await restarted.CreateClient().SendAsync(Signed(signature, "third"), ct);
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }
        foreach (var file in new[] { database, database + "-wal", database + "-shm" }) File.Delete(file);
    }

    [Theory]
    [InlineData("t=253402300800,v1=")]          // one second past 9999-12-31
    [InlineData("t=99999999999999999,v1=")]
    [InlineData("t=999999999999999999999999,v1=")] // not even a long
    [InlineData("t=-5,v1=")]
    public async Task A_timestamp_outside_any_sane_range_is_401_not_500(string prefix)
    {
        using var portal = new ApiPortal();
        var response = await portal.CreateClient().SendAsync(Signed(prefix + new string('a', 64), "k"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
