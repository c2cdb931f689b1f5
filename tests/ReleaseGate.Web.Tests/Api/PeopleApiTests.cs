using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>The people's reads and admin calls over HTTP with a token: applications, candidates, audit export, users, OpenAPI.</summary>
public class PeopleApiTests(PeoplePortal portal) : IClassFixture<PeoplePortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpClient> PersonAsync(string email, params string[] roles) => portal.As(await portal.PersonWithTokenAsync(email, roles));

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    [Fact]
    public async Task Applications_show_their_settings_and_the_newest_succeeded_release()
    {
        var neverReleased = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        await using (var db = portal.CreateDb())
        {
            db.Releases.Add(new Release { ApplicationId = c.ApplicationId, Digest = c.Digest, Version = "0.9.0", CandidateId = c.Id,
                Outcome = ReleaseOutcome.Succeeded, StartedAt = DateTimeOffset.UtcNow.AddHours(-2), FinishedAt = DateTimeOffset.UtcNow.AddHours(-1) });
            db.Releases.Add(new Release { ApplicationId = c.ApplicationId, Digest = c.Digest, Version = "0.9.1",
                Outcome = ReleaseOutcome.RolledBack, StartedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Ct);
        }
        var reader = await PersonAsync("apps.reader@example.com", Roles.Viewer);

        var one = await JsonOf(await reader.GetAsync($"/api/v1/applications/{c.Application.Slug}", Ct));
        var all = await JsonOf(await reader.GetAsync("/api/v1/applications", Ct));
        var missing = await reader.GetAsync("/api/v1/applications/no-such-app", Ct);

        Assert.Equal(("0.9.0", c.Digest, c.Commit), (one.GetProperty("production").GetProperty("version").GetString(),
            one.GetProperty("production").GetProperty("digest").GetString(), one.GetProperty("production").GetProperty("commit").GetString()));
        Assert.False(one.GetProperty("allowCommitAuthorsToApprove").GetBoolean());
        Assert.Contains(all.EnumerateArray(), a => a.GetProperty("slug").GetString() == c.Application.Slug);
        Assert.Contains(all.EnumerateArray(), a => a.GetProperty("slug").GetString() == neverReleased.Application.Slug
            && a.GetProperty("production").ValueKind == JsonValueKind.Null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Candidates_are_listed_by_application_and_phase_a_page_at_a_time()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.DeployFailed);
        var reader = await PersonAsync("list.reader@example.com", Roles.QA);

        var found = await JsonOf(await reader.GetAsync($"/api/v1/candidates?application={c.Application.Slug}&phase=DeployFailed&page=1&pageSize=10", Ct));
        var none = await JsonOf(await reader.GetAsync($"/api/v1/candidates?application={c.Application.Slug}&phase=Released", Ct));
        var bad = await reader.GetAsync("/api/v1/candidates?phase=Lost&pageSize=1000", Ct);

        Assert.Equal(1, found.GetProperty("total").GetInt32());
        Assert.Equal(c.Id, found.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await JsonOf(bad)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("phase", out _) && errors.TryGetProperty("pageSize", out _));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example/\")")]
    [InlineData("+1+cmd")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tlooks blank")]
    public async Task An_audit_csv_cell_a_spreadsheet_would_run_as_a_formula_is_led_by_a_quote(string name)
    {
        var rm = await PersonAsync($"csv.rm.{name.Length}.{(int)name[0]}@example.com", Roles.ReleaseManager);
        var (keyId, _) = (await portal.Services.GetRequiredService<ReleaseGate.Web.Integrations.IntegrationSecrets>()
            .CreateAsync(name, ["demo-web"], allowV1: false, PortalFactory.AdminEmail, Ct))!.Value;

        var csv = await (await rm.GetAsync("/api/v1/audit?action=integration.created&format=csv", Ct)).Content.ReadAsStringAsync(Ct);

        var row = csv.Split("\r\n").Single(l => l.Contains(keyId));
        Assert.Contains(",\"'" + name.Replace("\"", "\"\""), row);
    }

    [Fact]
    public async Task The_audit_trail_exports_as_json_csv_and_jsonl_for_release_managers_only()
    {
        var rm = await PersonAsync("audit.rm@example.com", Roles.ReleaseManager);
        var qa = await PersonAsync("audit.qa@example.com", Roles.QA);

        var json = await JsonOf(await rm.GetAsync("/api/v1/audit?action=token.&format=json", Ct));
        var csv = await (await rm.GetAsync("/api/v1/audit?action=token.&format=csv", Ct)).Content.ReadAsStringAsync(Ct);
        var jsonl = await (await rm.GetAsync("/api/v1/audit?action=token.&format=jsonl", Ct)).Content.ReadAsStringAsync(Ct);
        var later = await JsonOf(await rm.GetAsync($"/api/v1/audit?after={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}", Ct));

        Assert.NotEmpty(json.EnumerateArray());
        Assert.All(json.EnumerateArray(), r => Assert.StartsWith("token.", r.GetProperty("action").GetString()));
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sequence,at,actorKind,actor,action,subject,details,previousHash,hash", lines[0]);
        Assert.Equal(json.GetArrayLength(), lines.Length - 1);
        // The details hold a quoted token name: the field is quoted and its quotes doubled (RFC 4180).
        Assert.Contains("\"\"tests\"\"", lines[1]);
        var rows = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(json.GetArrayLength(), rows.Count);
        Assert.Equal(json[0].GetProperty("hash").GetString(), rows[0].GetProperty("hash").GetString());
        Assert.Empty(later.EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await qa.GetAsync("/api/v1/audit", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await rm.GetAsync("/api/v1/audit?format=xml", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_admin_creates_and_changes_users_and_others_get_403()
    {
        var admin = await PersonAsync("users.admin@example.com", Roles.Admin);
        var qa = await PersonAsync("users.qa@example.com", Roles.QA);
        var body = PeoplePortal.Json("""{ "email": "new.person@example.com", "displayName": "New Person", "roles": ["QA"] }""");

        var created = await admin.PostAsync("/api/v1/users", body, Ct);
        var view = await JsonOf(created);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(16, view.GetProperty("temporaryPassword").GetString()!.Length);
        Assert.Equal(["QA"], view.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var changed = await admin.PutAsync("/api/v1/users/new.person@example.com",
            PeoplePortal.Json("""{ "roles": ["QA", "ReleaseManager"], "disabled": true }"""), Ct);
        var after = await JsonOf(changed);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.True(after.GetProperty("disabled").GetBoolean());
        Assert.Equal(["QA", "ReleaseManager"], after.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        Assert.Equal(HttpStatusCode.Forbidden, (await qa.PostAsync("/api/v1/users", PeoplePortal.Json("""{ "email": "x@example.com" }"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await qa.PutAsync("/api/v1/users/nobody@example.com", PeoplePortal.Json("""{ "disabled": true }"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsync("/api/v1/users/nobody@example.com", PeoplePortal.Json("""{ "disabled": true }"""), Ct)).StatusCode);
        var bad = await admin.PostAsync("/api/v1/users", PeoplePortal.Json("""{ "email": "not-a-mail", "roles": ["QA"] }"""), Ct);
        Assert.Equal((HttpStatusCode.BadRequest, "email"), (bad.StatusCode, (await JsonOf(bad)).GetProperty("field").GetString()));
        var twice = await admin.PostAsync("/api/v1/users", PeoplePortal.Json("""{ "email": "new.person@example.com" }"""), Ct);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_both_schemes_and_the_people_calls()
    {
        var doc = await JsonOf(await portal.CreateClient().GetAsync("/openapi/v1.json", Ct));

        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("X-ReleaseGate-Signature", schemes.GetProperty("hmacSignature").GetProperty("name").GetString());
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/me", "/api/v1/applications", "/api/v1/applications/{slug}", "/api/v1/candidates/{id}/approvals",
                     "/api/v1/candidates/{id}/rejections", "/api/v1/candidates/{id}/approvals/me", "/api/v1/candidates/{id}/redeploy",
                     "/api/v1/audit", "/api/v1/users", "/api/v1/users/{email}" })
            Assert.True(paths.TryGetProperty(path, out _), path);
        var read = paths.GetProperty("/api/v1/candidates/{id}").GetProperty("get").GetProperty("security");
        Assert.Equal(2, read.GetArrayLength());
        var vote = paths.GetProperty("/api/v1/candidates/{id}/approvals").GetProperty("post");
        Assert.True(vote.GetProperty("responses").TryGetProperty("403", out _));
        Assert.True(vote.GetProperty("responses").TryGetProperty("409", out _));
    }
}
