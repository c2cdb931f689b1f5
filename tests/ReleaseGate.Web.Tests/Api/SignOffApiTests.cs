using System.Net;
using System.Text.Json;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>Votes over HTTP with a token: the page's use case and rules, each refusal mapped to its status by ApiProblems.</summary>
public class SignOffApiTests(PeoplePortal portal) : IClassFixture<PeoplePortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string Vote = $$"""{ "digest": "{{PeoplePortal.Digest}}", "comment": "tested on the test host" }""";

    private async Task<HttpClient> PersonAsync(string email, params string[] roles) => portal.As(await portal.PersonWithTokenAsync(email, roles));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement : default);
    }

    private static string TypeOf(JsonElement problem) => problem.GetProperty("type").GetString()!;

    [Fact]
    public async Task Approval_by_qa_answers_201_with_the_candidate_and_its_sign_offs()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var qa = await PersonAsync("api.qa1@example.com", Roles.QA);

        var response = await qa.PostAsync($"/api/v1/candidates/{c.Id}/approvals", PeoplePortal.Json(Vote), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/candidates/{c.Id}", response.Headers.Location?.ToString());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("Approved", body.GetProperty("phase").GetString());
        var vote = Assert.Single(body.GetProperty("signOffs").EnumerateArray());
        Assert.Equal(("api.qa1@example.com", "Approve", "tested on the test host"),
            (vote.GetProperty("user").GetString(), vote.GetProperty("decision").GetString(), vote.GetProperty("comment").GetString()));
    }

    [Fact]
    public async Task Rejection_needs_a_comment_and_then_answers_201()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var qa = await PersonAsync("api.rejecter@example.com", Roles.QA);

        var (status, problem) = await SendAsync(qa.PostAsync($"/api/v1/candidates/{c.Id}/rejections",
            PeoplePortal.Json($$"""{ "digest": "{{PeoplePortal.Digest}}" }"""), Ct));
        Assert.Equal((HttpStatusCode.BadRequest, "comment"), (status, problem.GetProperty("field").GetString()));

        var (ok, body) = await SendAsync(qa.PostAsync($"/api/v1/candidates/{c.Id}/rejections", PeoplePortal.Json(Vote), Ct));
        Assert.Equal((HttpStatusCode.Created, "Rejected"), (ok, body.GetProperty("phase").GetString()));
    }

    [Fact]
    public async Task A_release_manager_approving_is_refused_with_403()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var rm = await PersonAsync("api.rm@example.com", Roles.ReleaseManager);

        var (status, problem) = await SendAsync(rm.PostAsync($"/api/v1/candidates/{c.Id}/approvals", PeoplePortal.Json(Vote), Ct));

        Assert.Equal((HttpStatusCode.Forbidden, "urn:releasegate:problem:missing-role"), (status, TypeOf(problem)));
    }

    [Fact]
    public async Task The_submitter_approving_is_refused_with_403()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff, submittedBy: "api.submitter@example.com");
        var qa = await PersonAsync("api.submitter@example.com", Roles.QA);

        var (status, problem) = await SendAsync(qa.PostAsync($"/api/v1/candidates/{c.Id}/approvals", PeoplePortal.Json(Vote), Ct));

        Assert.Equal((HttpStatusCode.Forbidden, "urn:releasegate:problem:submitter"), (status, TypeOf(problem)));
    }

    [Fact]
    public async Task A_commit_author_approving_is_refused_with_403()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff, changes: [new("abcdef1", "api.author@example.com", "Fix")]);
        var qa = await PersonAsync("api.author@example.com", Roles.QA);

        var (status, problem) = await SendAsync(qa.PostAsync($"/api/v1/candidates/{c.Id}/approvals", PeoplePortal.Json(Vote), Ct));

        Assert.Equal((HttpStatusCode.Forbidden, "urn:releasegate:problem:commit-author"), (status, TypeOf(problem)));
    }

    [Fact]
    public async Task Approving_in_the_wrong_phase_is_refused_with_409()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.DeployFailed);
        var qa = await PersonAsync("api.phase@example.com", Roles.QA);

        var (status, problem) = await SendAsync(qa.PostAsync($"/api/v1/candidates/{c.Id}/approvals", PeoplePortal.Json(Vote), Ct));

        Assert.Equal((HttpStatusCode.Conflict, "urn:releasegate:problem:wrong-phase"), (status, TypeOf(problem)));
    }

    [Fact]
    public async Task A_second_vote_is_refused_with_409()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff, requiredApprovals: 2);
        var qa = await PersonAsync("api.twice@example.com", Roles.QA);
        Assert.Equal(HttpStatusCode.Created, (await qa.PostAsync($"/api/v1/candidates/{c.Id}/approvals", PeoplePortal.Json(Vote), Ct)).StatusCode);

        var (status, problem) = await SendAsync(qa.PostAsync($"/api/v1/candidates/{c.Id}/approvals", PeoplePortal.Json(Vote), Ct));

        Assert.Equal((HttpStatusCode.Conflict, "urn:releasegate:problem:already-voted"), (status, TypeOf(problem)));
    }

    [Fact]
    public async Task A_digest_that_is_not_current_is_refused_with_409()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var qa = await PersonAsync("api.digest@example.com", Roles.QA);
        var other = $$"""{ "digest": "sha256:{{new string('d', 64)}}" }""";

        var (status, problem) = await SendAsync(qa.PostAsync($"/api/v1/candidates/{c.Id}/approvals", PeoplePortal.Json(other), Ct));

        Assert.Equal((HttpStatusCode.Conflict, "urn:releasegate:problem:wrong-digest", "digest"),
            (status, TypeOf(problem), problem.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task An_unknown_candidate_is_404_and_a_malformed_digest_400_naming_the_field()
    {
        var qa = await PersonAsync("api.unknown@example.com", Roles.QA);

        var (missing, _) = await SendAsync(qa.PostAsync($"/api/v1/candidates/{Guid.NewGuid()}/approvals", PeoplePortal.Json(Vote), Ct));
        var (read, _) = await SendAsync(qa.GetAsync($"/api/v1/candidates/{Guid.NewGuid()}", Ct));
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var (bad, problem) = await SendAsync(qa.PostAsync($"/api/v1/candidates/{c.Id}/approvals", PeoplePortal.Json("""{ "digest": "latest" }"""), Ct));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (missing, read));
        Assert.Equal((HttpStatusCode.BadRequest, "digest"), (bad, problem.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task Withdrawing_an_approval_answers_204_and_without_one_409()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var qa = await PersonAsync("api.withdraw@example.com", Roles.QA);
        await qa.PostAsync($"/api/v1/candidates/{c.Id}/approvals", PeoplePortal.Json(Vote), Ct);

        var first = await qa.DeleteAsync($"/api/v1/candidates/{c.Id}/approvals/me", Ct);
        var (again, problem) = await SendAsync(qa.DeleteAsync($"/api/v1/candidates/{c.Id}/approvals/me", Ct));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal((HttpStatusCode.Conflict, "urn:releasegate:problem:nothing-to-withdraw"), (again, TypeOf(problem)));
        var (_, candidate) = await SendAsync(qa.GetAsync($"/api/v1/candidates/{c.Id}", Ct));
        Assert.Equal("AwaitingSignOff", candidate.GetProperty("phase").GetString());
    }

    [Fact]
    public async Task Redeploy_answers_202_for_a_failed_deployment_409_otherwise_and_403_without_the_role()
    {
        var failed = await portal.CandidateInAsync(CandidatePhase.DeployFailed);
        var waiting = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var rm = await PersonAsync("api.redeploy@example.com", Roles.ReleaseManager);
        var admin = await PersonAsync("api.redeploy.admin@example.com", Roles.Admin);

        Assert.Equal(HttpStatusCode.Accepted, (await rm.PostAsync($"/api/v1/candidates/{failed.Id}/redeploy", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await rm.PostAsync($"/api/v1/candidates/{waiting.Id}/redeploy", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsync($"/api/v1/candidates/{waiting.Id}/redeploy", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_signed_integration_may_read_but_not_vote()
    {
        var c = await portal.CandidateInAsync(CandidatePhase.AwaitingSignOff);
        var jenkins = portal.Api();

        Assert.Equal(HttpStatusCode.OK, (await jenkins.GetAsync($"/api/v1/candidates/{c.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await jenkins.GetAsync("/api/v1/candidates")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await jenkins.PostAsync($"/api/v1/candidates/{c.Id}/approvals", Vote)).StatusCode);
    }
}
