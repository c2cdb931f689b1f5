using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace ReleaseGate.Web.Tests;

public class BuildMailTests : IAsyncLifetime
{
    private readonly ApiPortal portal = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await portal.SeedDemoAsync();

    public ValueTask DisposeAsync()
    {
        portal.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Failed(int build, string status = "failed") => new JsonObject
    {
        ["application"] = "demo-web", ["status"] = status, ["buildNumber"] = build,
        ["buildUrl"] = $"https://jenkins.example.com/job/demo/{build}/", ["branch"] = "release",
        ["commit"] = "9fceb02d0ae598e95dc970b74767f19372d61af8", ["culprits"] = new JsonArray("li.lei@example.com", "han.meimei@example.com"),
        ["logTail"] = "error CS1002: ; expected <script>",
    }.ToJsonString();

    [Fact]
    public async Task A_failed_build_mails_the_team_with_the_build_link_culprits_and_log()
    {
        portal.Mail.Start();
        var response = await portal.Api().PostAsync("/api/v1/builds", Failed(41));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var mails = await portal.Mail.WaitForAsync(1, TimeSpan.FromSeconds(20));
        var mail = Assert.Single(mails);
        Assert.Equal(["team@example.com", "lead@example.com"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Contains("build 41 failed", mail.Subject);
        Assert.Contains("https://jenkins.example.com/job/demo/41/", mail.TextBody);
        Assert.Contains("li.lei@example.com, han.meimei@example.com", mail.TextBody);
        Assert.Contains("构建 41 失败", mail.TextBody);
        Assert.Contains("&lt;script&gt;", mail.HtmlBody); // the log tail is text, never markup
        Assert.Contains("href=\"https://jenkins.example.com/job/demo/41/\"", mail.HtmlBody);
    }

    [Fact]
    public async Task A_successful_or_aborted_build_mails_nobody()
    {
        portal.Mail.Start();
        Assert.Equal(HttpStatusCode.Accepted, (await portal.Api().PostAsync("/api/v1/builds", Failed(42, "succeeded"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await portal.Api().PostAsync("/api/v1/builds", Failed(43, "aborted"))).StatusCode);
        await using var db = portal.CreateDb();
        Assert.Equal(0, await db.Outbox.CountAsync(Ct));
    }

    [Fact]
    public async Task While_SMTP_is_down_mail_waits_and_then_every_mail_arrives_once()
    {
        for (var build = 50; build < 53; build++)
            Assert.Equal(HttpStatusCode.Accepted, (await portal.Api().PostAsync("/api/v1/builds", Failed(build, build % 2 == 0 ? "failed" : "unstable"))).StatusCode);

        // SMTP is down: the outbox keeps every mail and backs off.
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            await using var db = portal.CreateDb();
            if (await db.Outbox.AnyAsync(m => m.Attempts > 0, Ct)) break;
            await Task.Delay(200, Ct);
        }
        await using (var db = portal.CreateDb())
        {
            var outbox = await db.Outbox.ToListAsync(Ct);
            Assert.Equal(3, outbox.Count);
            Assert.All(outbox, m => Assert.Null(m.SentAt));
            Assert.Contains(outbox, m => m.Attempts > 0 && m.LastError is not null);
        }

        portal.Mail.Start();
        var mails = await portal.Mail.WaitForAsync(3, TimeSpan.FromSeconds(40));
        await Task.Delay(3000, Ct); // a duplicate, if any, would arrive in the next sweeps

        Assert.Equal(3, portal.Mail.Received.Count);
        Assert.Equal(3, mails.Select(m => m.MessageId).Distinct().Count());
        await using (var db = portal.CreateDb())
            Assert.All(await db.Outbox.ToListAsync(Ct), m => Assert.NotNull(m.SentAt));
    }
}
