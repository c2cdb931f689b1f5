using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Integrations;

namespace ReleaseGate.Web.Tests;

public class RegistrationTests : IAsyncLifetime
{
    private readonly ApiPortal portal = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await portal.SeedDemoAsync();

    public ValueTask DisposeAsync()
    {
        portal.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Body(string tag, int build, string? digest = null)
    {
        var body = new JsonObject
        {
            ["application"] = "demo-web", ["image"] = $"127.0.0.1:5001/demo/web:{tag}",
            ["commit"] = "9fceb02d0ae598e95dc970b74767f19372d61af8", ["branch"] = "release", ["buildNumber"] = build,
            ["buildUrl"] = $"https://jenkins.example.com/job/demo/{build}/", ["submittedBy"] = "dev@example.com",
            ["changes"] = new JsonArray(new JsonObject { ["commit"] = "9fceb02", ["author"] = "Li Lei", ["message"] = "修复订单金额" }),
        };
        if (digest is not null) body["digest"] = digest;
        return body.ToJsonString();
    }

    [Fact]
    public async Task A_candidate_gets_the_digest_the_staging_registry_serves()
    {
        var response = await portal.Api().PostAsync("/api/v1/candidates", Body("v1", 11));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = json.RootElement;
        var id = root.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/candidates/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("demo-web", root.GetProperty("application").GetString());
        Assert.Equal("v1", root.GetProperty("version").GetString());
        Assert.Equal(Infra.WebV1Digest, root.GetProperty("digest").GetString());
        Assert.Equal("Registered", root.GetProperty("phase").GetString());
        Assert.Equal($"http://portal.example.com/candidates/{id}", root.GetProperty("links").GetProperty("ui").GetString());

        var get = await portal.Api().GetAsync($"/api/v1/candidates/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        using var candidate = JsonDocument.Parse(await get.Content.ReadAsStringAsync(Ct));
        Assert.Equal(Infra.WebV1Digest, candidate.RootElement.GetProperty("digest").GetString());
        Assert.Equal(1, candidate.RootElement.GetProperty("requiredApprovals").GetInt32());
        Assert.Equal("Registered", candidate.RootElement.GetProperty("events")[0].GetProperty("kind").GetString());
        Assert.Equal(ApiPortal.KeyId, candidate.RootElement.GetProperty("events")[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task A_matching_digest_is_accepted()
    {
        var response = await portal.Api().PostAsync("/api/v1/candidates", Body("v2", 12, Infra.WebV2Digest));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_retry_with_the_same_key_gets_the_first_answer_even_after_a_restart()
    {
        var first = await portal.Api().PostAsync("/api/v1/candidates", Body("v1", 13), "jenkins-demo-13");
        var firstBody = await first.Content.ReadAsStringAsync(Ct);
        var retry = await portal.Api().PostAsync("/api/v1/candidates", Body("v1", 13), "jenkins-demo-13");

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync(Ct));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());

        // A second portal process on the same database: the answer is kept there, not in memory.
        using var restarted = new ApiPortal();
        restarted.Settings["ReleaseGate:Database:ConnectionString"] = $"Data Source={portal.DatabasePath}";
        var afterRestart = await restarted.Api().PostAsync("/api/v1/candidates", Body("v1", 13), "jenkins-demo-13");
        Assert.Equal(firstBody, await afterRestart.Content.ReadAsStringAsync(Ct));

        await using var db = portal.CreateDb();
        Assert.Equal(1, await db.Candidates.CountAsync(c => c.BuildNumber == 13, Ct));
    }

    [Fact]
    public async Task A_retry_while_the_first_call_still_runs_is_told_to_wait()
    {
        await using (var db = portal.CreateDb())
        {
            var body = System.Text.Encoding.UTF8.GetBytes(Body("v1", 14));
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                KeyId = ApiPortal.KeyId, Key = "in-flight", CreatedAt = DateTimeOffset.UtcNow,
                RequestHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)),
            });
            await db.SaveChangesAsync(Ct);
        }

        var response = await portal.Api().PostAsync("/api/v1/candidates", Body("v1", 14), "in-flight");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("idempotency-in-progress", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_call_left_running_by_a_portal_that_was_killed_is_taken_over_by_its_retry()
    {
        await using (var db = portal.CreateDb())
        {
            var body = System.Text.Encoding.UTF8.GetBytes(Body("v1", 17));
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                KeyId = ApiPortal.KeyId, Key = "killed-in-flight", CreatedAt = ReleaseGate.Web.Api.IdempotentPost.ProcessStarted.AddSeconds(-1),
                RequestHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)),
            });
            await db.SaveChangesAsync(Ct);
        }

        var response = await portal.Api().PostAsync("/api/v1/candidates", Body("v1", 17), "killed-in-flight");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var read = portal.CreateDb();
        Assert.Equal(1, await read.Candidates.CountAsync(c => c.BuildNumber == 17, Ct));
    }

    [Fact]
    public async Task A_newer_candidate_supersedes_the_older_ones_not_yet_promoting()
    {
        var v1 = await IdOf(await portal.Api().PostAsync("/api/v1/candidates", Body("v1", 15)));
        var v2 = await IdOf(await portal.Api().PostAsync("/api/v1/candidates", Body("v2", 16)));

        await using var db = portal.CreateDb();
        var older = await db.Candidates.Include(c => c.Events).SingleAsync(c => c.Id == v1, Ct);
        var newer = await db.Candidates.SingleAsync(c => c.Id == v2, Ct);
        Assert.Equal(CandidatePhase.Superseded, older.Phase);
        Assert.Contains(older.Events, e => e.Kind == "Superseded" && e.Message.Contains("v2"));
        Assert.Contains(newer.Phase, new[] { CandidatePhase.Registered, CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff });
    }

    [Fact]
    public async Task The_same_build_registered_again_under_another_key_is_the_same_candidate()
    {
        var first = await IdOf(await portal.Api().PostAsync("/api/v1/candidates", Body("v1", 17)));
        // Sent again later (a new signature): the very same signature under another key would be a replay, refused.
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddSeconds(2));
        var again = await portal.Api(later).PostAsync("/api/v1/candidates", Body("v1", 17));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first, await IdOf(again));
    }

    [Fact]
    public async Task Every_accepted_call_is_audited()
    {
        var id = await IdOf(await portal.Api().PostAsync("/api/v1/candidates", Body("v1", 18)));
        await using var db = portal.CreateDb();
        var audit = await db.AuditEvents.Where(a => a.Action == "candidate.registered").ToListAsync(Ct);
        Assert.Contains(audit, a => a.Actor == ApiPortal.KeyId && a.Details.Contains(id.ToString()));
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint_and_its_errors()
    {
        var doc = await portal.CreateClient().GetStringAsync("/openapi/v1.json", Ct);
        using var json = JsonDocument.Parse(doc);
        var paths = json.RootElement.GetProperty("paths");
        var post = paths.GetProperty("/api/v1/candidates").GetProperty("post");
        foreach (var code in new[] { "201", "400", "401", "409", "413", "415", "422", "429" })
            Assert.True(post.GetProperty("responses").TryGetProperty(code, out _), $"POST /api/v1/candidates lacks {code}");
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(paths.GetProperty("/api/v1/candidates/{id}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/builds").GetProperty("post").GetProperty("responses").TryGetProperty("202", out _));
        Assert.Contains("A signature is accepted once", doc);
    }

    private static async Task<Guid> IdOf(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("id").GetGuid();
    }
}

/// <summary>A fault of ours behind the API still answers as the API does.</summary>
public class ApiFaultTests
{
    private sealed class BrokenRegistry : ReleaseGate.Core.Candidates.IImageRegistry
    {
        public Task<string?> ResolveDigestAsync(string repository, string reference, CancellationToken ct) =>
            throw new InvalidOperationException("a bug of ours");
    }

    [Fact]
    public async Task An_unexpected_error_answers_500_as_problem_json()
    {
        using var portal = new ApiPortal();
        portal.Replace<ReleaseGate.Core.Candidates.IImageRegistry>(new BrokenRegistry());
        await portal.SeedDemoAsync();

        var response = await portal.Api().PostAsync("/api/v1/candidates", BadRequestPortal.ValidBody());

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var db = portal.CreateDb();
        Assert.Empty(db.IdempotencyRecords); // the key is free for a retry
    }
}
