using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReleaseGate.Web.Tests;

/// <summary>A portal with the demo application and one accepted registration, for the bad-request corpus.</summary>
public sealed class BadRequestPortal : ApiPortal, IAsyncLifetime
{
    public const string UsedKey = "build-1-first";
    public static string ValidBody(string image = "127.0.0.1:5001/demo/web:v1") => new JsonObject
    {
        ["application"] = "demo-web", ["image"] = image, ["commit"] = "9fceb02d0ae598e95dc970b74767f19372d61af8",
        ["branch"] = "release", ["buildNumber"] = 1, ["buildUrl"] = "https://jenkins.example.com/job/demo/1/",
        ["submittedBy"] = "dev@example.com",
        ["changes"] = new JsonArray(new JsonObject { ["commit"] = "9fceb02", ["author"] = "dev", ["message"] = "Fix the thing" }),
    }.ToJsonString();

    public async ValueTask InitializeAsync()
    {
        await SeedDemoAsync();
        Mail.Start();
        var first = await Api().PostAsync("/api/v1/candidates", ValidBody(), UsedKey);
        first.EnsureSuccessStatusCode();
        // Let the background work settle (deployment, QA mail) so the snapshots see only what a request does.
        var id = System.Text.Json.JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await WaitForPhaseAsync(id, TimeSpan.FromSeconds(60), ReleaseGate.Core.Candidates.CandidatePhase.AwaitingSignOff);
        await Mail.WaitForAsync(1, TimeSpan.FromSeconds(20));
        await Task.Delay(1500);
    }

}

public sealed record BadRequest(string Name, int Status, string Problem, string? Field, Func<ApiClient, HttpRequestMessage> Build)
{
    public override string ToString() => Name;
}

public class BadRequestTests(BadRequestPortal portal) : IClassFixture<BadRequestPortal>
{
    private const string Candidates = "/api/v1/candidates";
    private const string Builds = "/api/v1/builds";

    private static string With(string field, JsonNode? value, string? body = null)
    {
        var json = JsonNode.Parse(body ?? BadRequestPortal.ValidBody())!.AsObject();
        if (value is null) json.Remove(field); else json[field] = value;
        return json.ToJsonString();
    }

    private static string Build(string field, JsonNode? value)
    {
        var json = new JsonObject { ["application"] = "demo-web", ["status"] = "failed", ["buildNumber"] = 7, ["buildUrl"] = "https://jenkins.example.com/job/demo/7/" };
        if (value is null) json.Remove(field); else json[field] = value;
        return json.ToJsonString();
    }

    private static BadRequest Body(string name, string path, string json, int status, string problem, string? field) =>
        new(name, status, problem, field, api => api.Request(HttpMethod.Post, path, json));

    private static BadRequest Header(string name, int status, string problem, string? field, Action<HttpRequestMessage> tweak) =>
        new(name, status, problem, field, api =>
        {
            // A distinct body per case: the same body signed twice in one second is one signature, accepted once.
            var request = api.Request(HttpMethod.Post, Candidates, With("buildNumber", 1000 + name.Sum(c => c), BadRequestPortal.ValidBody("127.0.0.1:5001/demo/web:v2")));
            tweak(request);
            return request;
        });

    private static void Resign(HttpRequestMessage request, long timestamp, string body, string secret = ApiPortal.Secret)
    {
        request.Headers.Remove("X-ReleaseGate-Signature");
        request.Headers.Add("X-ReleaseGate-Signature", ApiClient.Sign(secret, timestamp, Encoding.UTF8.GetBytes(body), request.Method, request.RequestUri!.OriginalString));
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static IEnumerable<BadRequest> Corpus() =>
    [
        Body("malformed JSON", Candidates, "{\"application\": ", 400, "malformed-json", "body"),
        Body("JSON array", Candidates, "[]", 400, "malformed-json", "body"),
        Body("JSON string", Candidates, "\"demo-web\"", 400, "malformed-json", "body"),
        Body("empty body", Candidates, "", 400, "malformed-json", "body"),
        Body("missing application", Candidates, With("application", null), 400, "validation", "application"),
        Body("application is a number", Candidates, With("application", 42), 400, "validation", "application"),
        Body("application is empty", Candidates, With("application", ""), 400, "validation", "application"),
        Body("missing image", Candidates, With("image", null), 400, "validation", "image"),
        Body("image is a number", Candidates, With("image", 5), 400, "validation", "image"),
        Body("image without registry", Candidates, With("image", "demo/web:v1"), 400, "validation", "image"),
        Body("image without tag", Candidates, With("image", "127.0.0.1:5001/demo/web"), 400, "validation", "image"),
        Body("image with upper case", Candidates, With("image", "127.0.0.1:5001/Demo/Web:v1"), 400, "validation", "image"),
        Body("digest without algorithm", Candidates, With("digest", new string('a', 64)), 400, "validation", "digest"),
        Body("digest too short", Candidates, With("digest", "sha256:abc"), 400, "validation", "digest"),
        Body("digest in upper case", Candidates, With("digest", "sha256:" + new string('A', 64)), 400, "validation", "digest"),
        Body("digest of another algorithm", Candidates, With("digest", "md5:" + new string('a', 32)), 400, "validation", "digest"),
        Body("missing commit", Candidates, With("commit", null), 400, "validation", "commit"),
        Body("commit not hex", Candidates, With("commit", "zzzzzzzzzz"), 400, "validation", "commit"),
        Body("commit too short", Candidates, With("commit", "abc"), 400, "validation", "commit"),
        Body("missing buildNumber", Candidates, With("buildNumber", null), 400, "validation", "buildNumber"),
        Body("buildNumber is a string", Candidates, With("buildNumber", "12"), 400, "validation", "buildNumber"),
        Body("buildNumber is negative", Candidates, With("buildNumber", -1), 400, "validation", "buildNumber"),
        Body("buildNumber is a fraction", Candidates, With("buildNumber", 1.5), 400, "validation", "buildNumber"),
        Body("missing buildUrl", Candidates, With("buildUrl", null), 400, "validation", "buildUrl"),
        Body("relative buildUrl", Candidates, With("buildUrl", "/job/demo/1/"), 400, "validation", "buildUrl"),
        Body("buildUrl of another scheme", Candidates, With("buildUrl", "ftp://jenkins.example.com/1"), 400, "validation", "buildUrl"),
        Body("missing submittedBy", Candidates, With("submittedBy", null), 400, "validation", "submittedBy"),
        Body("branch is a number", Candidates, With("branch", 3), 400, "validation", "branch"),
        Body("changes is not an array", Candidates, With("changes", "fix"), 400, "validation", "changes"),
        Body("a change without message", Candidates, With("changes", new JsonArray(new JsonObject { ["commit"] = "9fceb02", ["author"] = "dev" })), 400, "validation", "changes[0].message"),
        Body("a change that is not an object", Candidates, With("changes", new JsonArray("9fceb02")), 400, "validation", "changes[0]"),
        Body("unknown application", Candidates, With("application", "no-such-app"), 422, "unknown-application", "application"),
        Body("wrong repository", Candidates, With("image", "127.0.0.1:5001/demo/crashing:v1"), 422, "wrong-repository", "image"),
        Body("production registry instead of staging", Candidates, With("image", "127.0.0.1:5002/demo/web:v1"), 422, "wrong-repository", "image"),
        Body("tag not in the registry", Candidates, With("image", "127.0.0.1:5001/demo/web:no-such-tag"), 422, "image-not-found", "image"),
        Body("digest mismatch", Candidates, With("digest", Infra.WebV2Digest), 422, "digest-mismatch", "digest"),
        Body("digest not in the registry", Candidates, With("digest", "sha256:" + new string('0', 64)), 422, "digest-mismatch", "digest"),
        Header("no key", 401, "unauthorized", "X-ReleaseGate-Key", r => r.Headers.Remove("X-ReleaseGate-Key")),
        Header("unknown key", 401, "unauthorized", "X-ReleaseGate-Key", r => { r.Headers.Remove("X-ReleaseGate-Key"); r.Headers.Add("X-ReleaseGate-Key", "nobody"); }),
        Header("no signature", 401, "unauthorized", "X-ReleaseGate-Signature", r => r.Headers.Remove("X-ReleaseGate-Signature")),
        Header("signature without timestamp", 401, "unauthorized", "X-ReleaseGate-Signature", r =>
        {
            var v1 = r.Headers.GetValues("X-ReleaseGate-Signature").Single().Split(',')[1];
            r.Headers.Remove("X-ReleaseGate-Signature");
            r.Headers.Add("X-ReleaseGate-Signature", v1);
        }),
        Header("signature over another body", 401, "unauthorized", "X-ReleaseGate-Signature", r => Resign(r, Now, "{\"application\":\"demo-web\"}")),
        Header("signature with another secret", 401, "unauthorized", "X-ReleaseGate-Signature", r => Resign(r, Now, BadRequestPortal.ValidBody("127.0.0.1:5001/demo/web:v2"), "not-the-secret-at-all")),
        Header("stale timestamp", 401, "unauthorized", "X-ReleaseGate-Signature", r => Resign(r, Now - 301, BadRequestPortal.ValidBody("127.0.0.1:5001/demo/web:v2"))),
        Header("future timestamp", 401, "unauthorized", "X-ReleaseGate-Signature", r => Resign(r, Now + 301, BadRequestPortal.ValidBody("127.0.0.1:5001/demo/web:v2"))),
        Header("wrong content type", 415, "unsupported-media-type", "Content-Type", r => r.Content!.Headers.ContentType = new MediaTypeHeaderValue("text/plain")),
        Header("content type that only starts like JSON", 415, "unsupported-media-type", "Content-Type", r => r.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/jsonx")),
        Header("JSON in another charset", 415, "unsupported-media-type", "Content-Type", r => r.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "iso-8859-1" }),
        Header("v2 signature made for another path", 401, "unauthorized", "X-ReleaseGate-Signature", r =>
        {
            r.Headers.Remove("X-ReleaseGate-Signature");
            r.Headers.Add("X-ReleaseGate-Signature", ApiClient.Sign(ApiPortal.Secret, Now, r.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult(), HttpMethod.Post, "/api/v1/builds"));
        }),
        Header("v1 signature from a key not allowed v1", 401, "unauthorized", "X-ReleaseGate-Signature", r =>
        {
            r.Headers.Remove("X-ReleaseGate-Signature");
            r.Headers.Add("X-ReleaseGate-Signature", ApiClient.SignV1(ApiPortal.Secret, Now, r.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult()));
        }),
        Header("no Idempotency-Key", 400, "idempotency-key-required", "Idempotency-Key", r => r.Headers.Remove("Idempotency-Key")),
        Header("Idempotency-Key too long", 400, "idempotency-key-required", "Idempotency-Key", r => { r.Headers.Remove("Idempotency-Key"); r.Headers.Add("Idempotency-Key", new string('k', 256)); }),
        Header("replay of a used key with another body", 422, "idempotency-key-reused", "Idempotency-Key", r => { r.Headers.Remove("Idempotency-Key"); r.Headers.Add("Idempotency-Key", BadRequestPortal.UsedKey); }),
        new("oversize body", 413, "payload-too-large", "body", api => api.Request(HttpMethod.Post, Candidates, With("branch", new string('b', 70_000)))),
        Body("build of an unknown application", Builds, Build("application", "no-such-app"), 422, "unknown-application", "application"),
        Body("build with an unknown status", Builds, Build("status", "exploded"), 400, "validation", "status"),
        Body("build status as a number", Builds, Build("status", 1), 400, "validation", "status"),
        Body("build without buildUrl", Builds, Build("buildUrl", null), 400, "validation", "buildUrl"),
        Body("build culprits not an array", Builds, Build("culprits", "dev"), 400, "validation", "culprits"),
        Body("build log tail over 32 KiB", Builds, Build("logTail", new string('x', 33 * 1024)), 400, "validation", "logTail"),
        new("GET of an unknown candidate", 404, "not-found", "id", api => api.Request(HttpMethod.Get, $"{Candidates}/{Guid.NewGuid()}")),
        new("GET with another key's signature", 401, "unauthorized", "X-ReleaseGate-Signature", api =>
        {
            var request = api.Request(HttpMethod.Get, $"{Candidates}/{Guid.NewGuid()}");
            Resign(request, Now, "", "not-the-secret-at-all");
            return request;
        }),
    ];

    public static TheoryData<string> Names() => new(Corpus().Select(c => c.Name));

    [Fact]
    public void The_corpus_has_at_least_forty_cases() => Assert.True(Corpus().Count() >= 40);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_bad_request_is_refused_with_a_problem_naming_the_field_and_changes_nothing(string name)
    {
        var bad = Corpus().Single(c => c.Name == name);
        var api = portal.Api();
        var before = DatabaseSnapshot.Take(portal.DatabasePath);
        var refusalsBefore = DatabaseSnapshot.AuditCount(portal.DatabasePath);

        var response = await api.Http.SendAsync(bad.Build(api), TestContext.Current.CancellationToken);

        Assert.Equal(bad.Status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal($"urn:releasegate:problem:{bad.Problem}", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(bad.Status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
        if (bad.Field is not null) Assert.Equal(bad.Field, problem.RootElement.GetProperty("field").GetString());

        Assert.Equal(before, DatabaseSnapshot.Take(portal.DatabasePath));
        // A caller we could not authenticate is audited once a minute per address (then summarised), not once per call.
        if (bad.Status is 401 or 413) Assert.InRange(DatabaseSnapshot.AuditCount(portal.DatabasePath) - refusalsBefore, 0, 1);
        else Assert.Equal(refusalsBefore + 1, DatabaseSnapshot.AuditCount(portal.DatabasePath));
    }
}
