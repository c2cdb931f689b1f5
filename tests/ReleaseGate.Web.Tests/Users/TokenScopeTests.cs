using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// Token scopes through the real entry points: tokens made on the admin command line and over the API, then used over HTTP.
/// A refused call changes nothing.
/// </summary>
public sealed class TokenScopeTests(PeoplePortal portal) : IClassFixture<PeoplePortal>, IDisposable
{
    private readonly string workspace = Directory.CreateTempSubdirectory("rg-scopes-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(workspace, recursive: true);

    /// <summary><c>releasegate admin create-token</c> for an account made on the command line too; prints only the token.</summary>
    private async Task<string> CliTokenAsync(string email, string roles, string scopes, params string[] more)
    {
        var user = await AdminCommandLineTests.RunAsync(portal.DatabasePath, workspace, "create-user", "--email", email, "--roles", roles);
        Assert.True(user.Exit == 0 || user.Err.Contains("already", StringComparison.OrdinalIgnoreCase), user.Err);
        var token = await AdminCommandLineTests.RunAsync(portal.DatabasePath, workspace, ["create-token", "--email", email, "--name", "scoped", "--scopes", scopes, .. more]);
        Assert.True(token.Exit == 0, token.Err);
        return token.Out.Trim();
    }

    private static StringContent Vote() => PeoplePortal.Json($$"""{ "digest": "{{PeoplePortal.Digest}}", "comment": "ok" }""");

    private static async Task<string> DetailOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString()!;

    [Fact]
    public async Task A_read_token_of_a_QA_reads_but_its_approval_is_refused_and_changes_nothing()
    {
        var token = await CliTokenAsync("scope.reader@example.com", "QA", "read");
        var candidate = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var http = portal.As(token);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/v1/candidates/{candidate.Id}", Ct)).StatusCode);
        var approval = await http.PostAsync($"/api/v1/candidates/{candidate.Id}/approvals", Vote(), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, approval.StatusCode);
        Assert.Contains("scopes (read) do not cover Approve", await DetailOf(approval));
        await using var db = portal.CreateDb();
        Assert.Empty(await db.SignOffs.Where(s => s.CandidateId == candidate.Id).ToListAsync(Ct));
        Assert.Equal(CandidatePhase.AwaitingSignOff, (await db.Candidates.SingleAsync(c => c.Id == candidate.Id, Ct)).Phase);
    }

    [Fact]
    public async Task A_sign_off_token_approves_but_cannot_read_without_the_read_scope()
    {
        var token = await CliTokenAsync("scope.signer@example.com", "QA", "sign-off");
        var candidate = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var http = portal.As(token);

        var read = await http.GetAsync($"/api/v1/candidates/{candidate.Id}", Ct);
        var approval = await http.PostAsync($"/api/v1/candidates/{candidate.Id}/approvals", Vote(), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Contains("reading", await DetailOf(read));
        Assert.Equal(HttpStatusCode.Created, approval.StatusCode);
        // Whom the token acts for is always readable, so a script can see what it holds.
        var me = JsonDocument.Parse(await (await http.GetAsync("/api/v1/me", Ct)).Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(["sign-off"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task A_release_managers_sign_off_token_cannot_release_now()
    {
        var token = await CliTokenAsync("scope.rm@example.com", "ReleaseManager", "read,sign-off");
        var candidate = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        await using var db = portal.CreateDb();
        var slug = await db.Candidates.Where(c => c.Id == candidate.Id).Select(c => c.Application.Slug).SingleAsync(Ct);
        var audited = await db.AuditEvents.CountAsync(a => a.Action == "release.now", Ct);

        var now = await portal.As(token).PostAsync($"/api/v1/applications/{slug}/release-now", PeoplePortal.Json("""{ "reason": "hotfix" }"""), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, now.StatusCode);
        Assert.Contains("do not cover", await DetailOf(now));
        Assert.Equal(audited, await db.AuditEvents.CountAsync(a => a.Action == "release.now", Ct));
    }

    [Fact]
    public async Task An_admins_token_without_the_admin_scope_cannot_create_users_and_one_with_it_can()
    {
        var plain = await CliTokenAsync("scope.admin@example.com", "Admin", "read,release");
        var admin = await CliTokenAsync("scope.admin@example.com", "Admin", "read,admin", "--expires-days", "30");
        var body = """{ "email": "scope.new@example.com", "roles": ["QA"] }""";

        var refused = await portal.As(plain).PostAsync("/api/v1/users", PeoplePortal.Json(body), Ct);
        await using (var db = portal.CreateDb())
            Assert.False(await db.Users.AnyAsync(u => u.Email == "scope.new@example.com", Ct));
        var created = await portal.As(admin).PostAsync("/api/v1/users", PeoplePortal.Json(body), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task An_admin_scope_token_lives_at_most_30_days_on_the_command_line_and_over_the_api()
    {
        await AdminCommandLineTests.RunAsync(portal.DatabasePath, workspace, "create-user", "--email", "scope.long@example.com", "--roles", "Admin");
        var tooLong = await AdminCommandLineTests.RunAsync(portal.DatabasePath, workspace,
            "create-token", "--email", "scope.long@example.com", "--name", "ops", "--scopes", "admin", "--expires-days", "31");
        var token = await CliTokenAsync("scope.long@example.com", "Admin", "read,admin");

        var overApi = await portal.As(token).PostAsync("/api/v1/me/tokens", PeoplePortal.Json("""{ "name": "ops", "scopes": ["admin"], "expiresDays": 31 }"""), Ct);
        var thirty = await portal.As(token).PostAsync("/api/v1/me/tokens", PeoplePortal.Json("""{ "name": "ops", "scopes": ["admin"] }"""), Ct);

        Assert.Equal(1, tooLong.Exit);
        Assert.Contains("--expires-days", tooLong.Err);
        Assert.Equal(HttpStatusCode.BadRequest, overApi.StatusCode);
        Assert.Contains("admin scope", await overApi.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Created, thirty.StatusCode);
        var made = JsonDocument.Parse(await thirty.Content.ReadAsStringAsync(Ct)).RootElement;
        var days = (made.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow).TotalDays;
        Assert.InRange(days, 29.9, 30.01);
    }

    [Fact]
    public async Task A_token_cannot_make_a_token_with_wider_scopes_than_its_own()
    {
        var token = await CliTokenAsync("scope.narrow@example.com", "QA", "read");

        var wider = await portal.As(token).PostAsync("/api/v1/me/tokens", PeoplePortal.Json("""{ "name": "more", "scopes": ["read", "sign-off"] }"""), Ct);
        var same = await portal.As(token).PostAsync("/api/v1/me/tokens", PeoplePortal.Json("""{ "name": "same", "scopes": ["read"] }"""), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, wider.StatusCode);
        Assert.Equal(HttpStatusCode.Created, same.StatusCode);
        var listed = JsonDocument.Parse(await (await portal.As(token).GetAsync("/api/v1/me/tokens", Ct)).Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(["same", "scoped"], listed.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.All(listed.EnumerateArray(), t => Assert.Equal(["read"], t.GetProperty("scopes").EnumerateArray().Select(s => s.GetString())));
        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("lastUsedAt").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task A_person_holds_at_most_20_live_tokens()
    {
        var token = await CliTokenAsync("scope.many@example.com", "QA", "read");
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
            answers.Add((await portal.As(token).PostAsync("/api/v1/me/tokens", PeoplePortal.Json($$"""{ "name": "bot {{i}}", "scopes": ["read"] }"""), Ct)).StatusCode);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Created, 19).Append(HttpStatusCode.BadRequest), answers);
        await using var db = portal.CreateDb();
        var owner = await db.Users.Where(u => u.Email == "scope.many@example.com").Select(u => u.Id).SingleAsync(Ct);
        Assert.Equal(PersonalAccessToken.MaxLivePerPerson, await db.PersonalAccessTokens.CountAsync(t => t.UserId == owner, Ct));
    }

    [Fact]
    public async Task Resetting_a_password_over_the_api_ends_all_of_the_persons_tokens()
    {
        var first = await CliTokenAsync("scope.reset@example.com", "QA", "read");
        var second = await CliTokenAsync("scope.reset@example.com", "QA", "read,sign-off");
        var admin = await CliTokenAsync("scope.resetter@example.com", "Admin", "read,admin");
        Assert.Equal(HttpStatusCode.OK, (await portal.As(first).GetAsync("/api/v1/me", Ct)).StatusCode);

        var reset = await portal.As(admin).PutAsync("/api/v1/users/scope.reset@example.com", PeoplePortal.Json("""{ "resetPassword": true }"""), Ct);

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await portal.As(first).GetAsync("/api/v1/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await portal.As(second).GetAsync("/api/v1/me", Ct)).StatusCode);
        await using var db = portal.CreateDb();
        Assert.Contains("2 tokens ended", await db.AuditEvents.Where(a => a.Action == "user.resetpassword" && a.Subject == "scope.reset@example.com")
            .Select(a => a.Details).SingleAsync(Ct));
    }
}
