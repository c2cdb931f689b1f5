using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;

namespace ReleaseGate.Web.Tests;

public sealed class MetricsTests
{
    private static readonly TimeSpan Deploy = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_show_a_registered_candidate_a_refused_call_and_a_queued_mail()
    {
        using var portal = new ApiPortal();
        portal.Settings["ReleaseGate:Telemetry:Metrics"] = "true";
        // No sweep after the first: the mail QA is sent once the deployment is done stays queued, so its count is known.
        portal.Settings["ReleaseGate:Smtp:PollSeconds"] = "3600";
        await portal.SeedDemoAsync("metrics-web");
        var id = await portal.RegisterAsync("metrics-web", "127.0.0.1:5001/demo/web:v1", 1);
        await portal.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff);
        var refused = await portal.Api().PostAsync("/api/v1/candidates",
            """{"application":"no-such-app","image":"127.0.0.1:5001/demo/web:v1","commit":"9fceb02d0ae598e95dc970b74767f19372d61af8","buildNumber":2,"buildUrl":"https://jenkins.example.com/job/x/2/","submittedBy":"dev@example.com"}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);

        var response = await portal.CreateClient().GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var samples = PrometheusSample.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(1, samples.Single("releasegate_candidates", ("phase", "AwaitingSignOff")));
        foreach (var phase in Enum.GetValues<CandidatePhase>().Where(p => p != CandidatePhase.AwaitingSignOff))
            Assert.Equal(0, samples.Single("releasegate_candidates", ("phase", phase.ToString())));

        await using (var db = portal.CreateDb())
        {
            var unsent = await db.Outbox.CountAsync(m => m.SentAt == null, Ct);
            Assert.True(unsent >= 1, "the QA mail should be queued");
            Assert.Equal(unsent, samples.Single("releasegate_mail_queue"));
        }

        Assert.Equal(1, samples.Single("releasegate_api_refusals_total", ("reason", "unknown-application"), ("status", "422")));
        Assert.Equal(1, samples.Where("releasegate_api_refusals_total").Sum(s => s.Value));

        Assert.Equal(1, samples.Single("releasegate_deploy_duration_seconds_count", ("outcome", "AwaitingSignOff")));
        var took = samples.Single("releasegate_deploy_duration_seconds_sum", ("outcome", "AwaitingSignOff"));
        Assert.InRange(took, 0.01, Deploy.TotalSeconds);
        Assert.Equal(1, samples.Single("releasegate_deploy_duration_seconds_bucket", ("outcome", "AwaitingSignOff"), ("le", "+Inf")));

        // ASP.NET Core's own: the two POSTs to the candidates route, one 201 and one 422.
        var posts = samples.Where("http_server_request_duration_seconds_count", ("http_route", "/api/v1/candidates"), ("http_request_method", "POST"));
        Assert.Equal(1, posts.Where(s => s.Labels["http_response_status_code"] == "422").Sum(s => s.Value));
        Assert.Equal(2, posts.Sum(s => s.Value));
    }

    [Fact]
    public async Task Metrics_are_not_served_unless_switched_on()
    {
        using var portal = new PortalFactory();
        var response = await portal.CreateClient().GetAsync("/metrics", Ct);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("releasegate_", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Metrics_want_the_bearer_token_from_the_file()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "a-scraper-token-of-some-length\n", Ct);
        try
        {
            using var portal = new PortalFactory();
            portal.Settings["ReleaseGate:Telemetry:Metrics"] = "true";
            portal.Settings["ReleaseGate:Telemetry:MetricsTokenFile"] = file;
            var client = portal.CreateClient();

            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/metrics", Ct)).StatusCode);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "a-scraper-token-of-some-lengtH");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/metrics", Ct)).StatusCode);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "a-scraper-token-of-some-length");
            var response = await client.GetAsync("/metrics", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var samples = PrometheusSample.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal(0, samples.Where("releasegate_candidates").Sum(s => s.Value));
            Assert.Equal(Enum.GetValues<CandidatePhase>().Length, samples.Where("releasegate_candidates").Count);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
