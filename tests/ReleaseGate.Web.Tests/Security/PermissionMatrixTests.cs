using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Api;

namespace ReleaseGate.Web.Tests;

/// <summary>Every caller of the matrix: one account per role, one with no role, and the Jenkins integration.</summary>
public sealed class MatrixPortal : PeoplePortal, IAsyncLifetime
{
    public const string Integration = "integration";
    public const string NoRole = "no-role";
    public static readonly string[] Callers = [.. Roles.All, NoRole, Integration];

    public Dictionary<string, HttpClient> Tokens { get; } = new();
    public Dictionary<string, HttpClient> Browsers { get; } = new();
    public Candidate Waiting { get; private set; } = null!;
    public Candidate Waiting2 { get; private set; } = null!;
    public Candidate Done { get; private set; } = null!;
    public int WindowId { get; private set; }
    public int FreezeId { get; private set; }
    public string Target => "matrix.target@example.com";

    public static string Email(string caller) => $"matrix.{caller.ToLowerInvariant()}@example.com";

    public async ValueTask InitializeAsync()
    {
        foreach (var caller in Callers.Where(c => c != Integration))
        {
            var email = Email(caller);
            Tokens[caller] = As(await PersonWithTokenAsync(email, caller == NoRole ? [] : [caller]));
            var browser = CreateBrowserLikeClient();
            await SignIn.PostAsync(browser, email, "Test-pass-123");
            Browsers[caller] = browser;
        }
        await CreateUserAsync(Target);
        Waiting = await CandidateInAsync(CandidatePhase.AwaitingSignOff);
        Waiting2 = await CandidateInAsync(CandidatePhase.AwaitingSignOff);
        Done = await CandidateInAsync(CandidatePhase.Rejected);
        // The schedule the edits aim at, made as a release manager makes it: through the API.
        var rm = Tokens[Roles.ReleaseManager];
        WindowId = await IdOf(await rm.PostAsync("/api/v1/windows", Json("""{ "name": "matrix", "cron": "0 0 18 ? * FRI" }""")));
        FreezeId = await IdOf(await rm.PostAsync("/api/v1/freezes", Json("""{ "reason": "matrix", "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-02T00:00:00Z" }""")));
    }

    private static async Task<int> IdOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException(text);
        return System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt32();
    }

    public new async ValueTask DisposeAsync() => await base.DisposeAsync();
}

/// <summary>
/// The one permission matrix: every row of Core's table, driven through the entry points people and Jenkins use (the
/// people's API with a token, the Jenkins API with a signature, the pages with a session cookie), for each role, for an
/// account with no role and for the integration. What is allowed is what docs/security.md's table says; a refused
/// call is 403 (or 401 where that caller cannot even present itself, or the denied page) and changes nothing.
/// </summary>
public class PermissionMatrixTests(MatrixPortal portal) : IClassFixture<MatrixPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private enum Entry { Api, Jenkins, Page }

    /// <summary>One entry point: its route template, with {waiting}, {done}, {window}… standing for the world's objects.</summary>
    private sealed record Call(Entry Entry, string Method, string Template, string? Body = null)
    {
        public override string ToString() => $"{Entry} {Method} {Template}";
    }

    private static Call Get(string template) => new(Entry.Api, "GET", template);
    private static Call Post(string template, string body = "{}") => new(Entry.Api, "POST", template, body);
    private static Call Page(string path) => new(Entry.Page, "GET", path);

    private const string Build = """{"application":"no-such-app","status":"failed","buildNumber":1,"buildUrl":"https://jenkins.example.com/job/x/1/"}""";
    private const string Development = """{"application":"no-such-app","image":"127.0.0.1:5001/no-such-app:1.0.0","commit":"9fceb02d0ae598e95dc970b74767f19372d61af8","buildNumber":1,"buildUrl":"https://jenkins.example.com/job/x/1/"}""";
    private const string Candidate = """{"application":"no-such-app","image":"127.0.0.1:5001/no-such-app:1.0.0","commit":"9fceb02d0ae598e95dc970b74767f19372d61af8","buildNumber":1,"buildUrl":"https://jenkins.example.com/job/x/1/","submittedBy":"dev@example.com"}""";
    private const string Vote = $$"""{ "digest": "{{PeoplePortal.Digest}}", "comment": "matrix" }""";

    /// <summary>The entry points of each action. A row of the table without one here fails <see cref="Every_action_of_the_table_has_a_route_in_the_matrix"/>.</summary>
    private static readonly Dictionary<PortalAction, Call[]> Routes = new()
    {
        [PortalAction.ReadBoard] = [Page("/")],
        [PortalAction.ReadApplications] = [Get("/api/v1/applications"), Get("/api/v1/applications/{app}"), Page("/applications")],
        [PortalAction.ReadCandidates] = [Get("/api/v1/candidates"), Get("/api/v1/candidates/{waiting}"), Page("/candidates"), Page("/candidates/{waiting}")],
        [PortalAction.ReadReleases] = [Get("/api/v1/applications/{app}/releases")],
        [PortalAction.ReadSchedule] = [Get("/api/v1/windows"), Get("/api/v1/freezes"), Page("/schedule")],
        [PortalAction.ReadSwarm] = [Get("/api/v1/swarm/services"), Get("/api/v1/swarm/services/{service}/tasks"), Page("/swarm")],
        [PortalAction.ReadAudit] = [Get("/api/v1/audit"), Page("/audit")],
        [PortalAction.Approve] = [Post("/api/v1/candidates/{waiting}/approvals", Vote)],
        [PortalAction.Reject] = [Post("/api/v1/candidates/{waiting2}/rejections", Vote)],
        [PortalAction.WithdrawApproval] = [new(Entry.Api, "DELETE", "/api/v1/candidates/{waiting}/approvals/me")],
        [PortalAction.Redeploy] = [Post("/api/v1/candidates/{done}/redeploy")],
        [PortalAction.EditSchedule] =
        [
            Post("/api/v1/windows", """{ "name": "matrix new", "cron": "0 0 17 ? * FRI" }"""),
            new(Entry.Api, "PUT", "/api/v1/windows/{window}", """{ "name": "matrix changed", "cron": "0 0 19 ? * FRI" }"""),
            Post("/api/v1/windows/{window}/overrides", """{ "cutoffAt": "2030-01-04T18:00:00Z", "reason": "matrix" }"""),
            Post("/api/v1/freezes", """{ "reason": "matrix new", "startsAt": "2031-01-01T00:00:00Z", "endsAt": "2031-01-02T00:00:00Z" }"""),
            new(Entry.Api, "DELETE", "/api/v1/freezes/{freeze}"),
            new(Entry.Api, "DELETE", "/api/v1/windows/{window}"),
        ],
        [PortalAction.RetryPromotion] = [Post("/api/v1/candidates/{done}/promotion/retry")],
        [PortalAction.ReleaseNow] = [Post("/api/v1/applications/{doneApp}/release-now", """{ "reason": "matrix" }""")],
        [PortalAction.Restore] = [Post("/api/v1/applications/{doneApp}/restore", """{ "releaseId": 999999, "reason": "matrix" }""")],
        [PortalAction.ResumeRollout] = [Post("/api/v1/candidates/{done}/rollout/resume")],
        [PortalAction.RollBack] = [Post("/api/v1/candidates/{done}/rollout/rollback")],
        [PortalAction.Scale] = [Post("/api/v1/swarm/services/{service}/scale", """{ "replicas": 1 }""")],
        [PortalAction.ManageApplications] = [Page("/applications/new")],
        [PortalAction.ManageIntegrations] = [Page("/integrations")],
        [PortalAction.ManageUsers] =
        [
            Post("/api/v1/users", """{ "email": "{new}", "roles": ["Viewer"] }"""),
            new(Entry.Api, "PUT", "/api/v1/users/{target}", """{ "roles": ["Viewer"] }"""),
            Page("/people"),
        ],
        // No API: the Swarm page's button, driven in bUnit by PagePermissionMatrixTests.
        [PortalAction.RemoveService] = [],
        [PortalAction.RegisterCandidate] = [new(Entry.Jenkins, "POST", "/api/v1/candidates", Candidate)],
        [PortalAction.ReportBuild] = [new(Entry.Jenkins, "POST", "/api/v1/builds", Build)],
        [PortalAction.DeployDevelopment] = [new(Entry.Jenkins, "POST", "/api/v1/development-deployments", Development)],
    };

    private string Resolve(string template) => template
        .Replace("{waiting2}", portal.Waiting2.Id.ToString()).Replace("{waiting}", portal.Waiting.Id.ToString())
        .Replace("{doneApp}", portal.Done.Application.Slug).Replace("{done}", portal.Done.Id.ToString())
        .Replace("{app}", portal.Waiting.Application.Slug).Replace("{window}", portal.WindowId.ToString())
        .Replace("{freeze}", portal.FreezeId.ToString()).Replace("{target}", portal.Target).Replace("{service}", "rg-matrix-none")
        .Replace("{new}", $"matrix.{Guid.NewGuid():N}@example.com");

    /// <summary>Generated from the table: every action × every caller.</summary>
    public static TheoryData<PortalAction, string> Cases()
    {
        var data = new TheoryData<PortalAction, string>();
        foreach (var action in Enum.GetValues<PortalAction>())
            foreach (var caller in MatrixPortal.Callers) data.Add(action, caller);
        return data;
    }

    [Fact]
    public void The_table_is_the_one_docs_security_md_shows()
    {
        var documented = PermissionGrid.Documented();
        var differences = Enum.GetValues<PortalAction>().SelectMany(a => Principals.All.Select(p => (a, p)))
            .Where(x => documented.GetValueOrDefault((x.a.ToString(), x.p)) != Permissions.Allows(x.a, x.p)).ToList();
        Assert.True(differences.Count == 0 && documented.Count == Enum.GetValues<PortalAction>().Length * Principals.All.Length,
            $"docs/security.md and Permissions differ at {string.Join(", ", differences)}; the table as it is now:\n{PermissionGrid.Render()}");
    }

    [Fact]
    public void Every_action_of_the_table_has_a_route_in_the_matrix()
    {
        var missing = Enum.GetValues<PortalAction>().Where(a => !Routes.TryGetValue(a, out var calls) || (calls.Length == 0 && !PagePermissionMatrixTests.Covers(a)));
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_route_of_the_api_that_names_an_action_is_in_the_matrix()
    {
        var endpoints = portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (e, Action: e.Metadata.GetMetadata<PortalActionMetadata>()?.Action)).Where(x => x.Action is not null).ToList();
        Assert.True(endpoints.Count > 20, $"only {endpoints.Count} routes name an action");
        foreach (var (endpoint, action) in endpoints)
        {
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single();
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            Assert.True(Routes[action!.Value].Any(c => c.Method == method && Shape(c.Template) == Shape(pattern)), $"{method} {pattern} ({action}) has no call in the matrix");
        }
    }

    // A route with its parameters blanked: /api/v1/candidates/{id:guid}/approvals ~ /api/v1/candidates/{waiting}/approvals.
    private static string Shape(string template) =>
        string.Join('/', template.Split('/').Select(s => s.StartsWith('{') ? "*" : s));

    [Fact]
    public async Task An_account_with_no_role_reaches_only_me()
    {
        var me = await portal.Tokens[MatrixPortal.NoRole].GetAsync("/api/v1/me", Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var landing = await portal.Browsers[MatrixPortal.NoRole].GetAsync("/", Ct);
        Assert.StartsWith("/account/denied", SignIn.RedirectTarget(landing));
        var page = await portal.Browsers[MatrixPortal.NoRole].GetStringAsync(SignIn.RedirectTarget(landing), Ct);
        Assert.Contains("id=\"no-access\"", page);
        Assert.Contains("No access yet", page);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_action_is_allowed_exactly_as_the_table_says_and_a_refusal_changes_nothing(PortalAction action, string caller)
    {
        var principal = caller == MatrixPortal.NoRole ? null : caller;
        var allowed = PermissionGrid.Allows(action, principal);
        foreach (var call in Routes[action])
        {
            if (call.Entry == Entry.Page && caller == MatrixPortal.Integration) continue; // pages are for people
            var before = DatabaseSnapshot.Take(portal.DatabasePath, Background);
            var response = await SendAsync(call, caller);
            var what = $"{action} by {caller} via {call}: {(int)response.StatusCode} {SignIn.RedirectTarget(response)}";
            if (allowed)
            {
                Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    && !SignIn.RedirectTarget(response).StartsWith("/account/", StringComparison.Ordinal), what);
                continue;
            }
            Assert.True(Refused(call, caller, response), what);
            var after = DatabaseSnapshot.Take(portal.DatabasePath, Background);
            Assert.True(before == after, $"{what} changed the database: {string.Join("; ", after.Split('\n').Except(before.Split('\n')))}");
        }
    }

    // What a call may touch without acting (a token's last use), and what the mailer does meanwhile with earlier mail.
    private static readonly string[] Background = ["LastUsedAt", "SecretLastUsedAt", "PreviousSecretLastUsedAt", "Attempts", "NextAttemptAt", "SentAt", "LastError"];

    /// <summary>A refusal as each entry point answers it to each caller.</summary>
    private static bool Refused(Call call, string caller, HttpResponseMessage response) => call.Entry switch
    {
        Entry.Page => SignIn.RedirectTarget(response).StartsWith("/account/denied", StringComparison.Ordinal),
        // A person's token is no signature: the Jenkins API does not know them at all.
        Entry.Jenkins => response.StatusCode == (caller == MatrixPortal.Integration ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized),
        // A signature is accepted on the people's API for reads only.
        _ => response.StatusCode == (caller == MatrixPortal.Integration && call.Method != "GET" ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden),
    };

    private async Task<HttpResponseMessage> SendAsync(Call call, string caller)
    {
        var path = Resolve(call.Template);
        var body = call.Body is null ? null : Resolve(call.Body);
        if (caller == MatrixPortal.Integration)
        {
            var signed = portal.Api().Request(new HttpMethod(call.Method), path, body);
            return await portal.CreateClient().SendAsync(signed, Ct);
        }
        var client = call.Entry == Entry.Page ? portal.Browsers[caller] : portal.Tokens[caller];
        var request = new HttpRequestMessage(new HttpMethod(call.Method), path);
        if (body is not null) request.Content = PeoplePortal.Json(body);
        return await client.SendAsync(request, Ct);
    }
}
