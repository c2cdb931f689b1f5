using Bunit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

public class BoardPageTests : ComponentTests
{
    [Fact]
    public void Lists_each_application_with_production_and_candidate()
    {
        using (var db = Database.CreateDbContext())
        {
            var orders = App("orders-api", requiredApprovals: 2);
            db.Applications.AddRange(orders, App("billing"));
            db.SaveChanges();
            db.Releases.Add(new Release { ApplicationId = orders.Id, Version = "1.4.1", Digest = "sha256:" + new string('b', 64), StartedAt = Now.AddDays(-1), FinishedAt = Now.AddDays(-1), Outcome = ReleaseOutcome.Succeeded });
            db.Candidates.Add(CandidateIn(orders, CandidatePhase.AwaitingSignOff, "1.4.2"));
            db.SaveChanges();
        }

        var page = Render<BoardPage>();
        page.WaitForElement("#board");

        var rows = page.FindAll("#board tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("billing", rows[0].TextContent);
        Assert.Contains("nothing released yet", rows[0].TextContent);
        Assert.Contains("orders-api", rows[1].TextContent);
        Assert.Equal("1.4.1", rows[1].QuerySelector(".board-production")!.TextContent);
        Assert.Equal("1.4.2", rows[1].QuerySelector(".board-candidate")!.TextContent);
        Assert.Equal("AwaitingSignOff", rows[1].QuerySelector(".phase-chip")!.GetAttribute("data-phase"));
        Assert.Contains("0/2", rows[1].TextContent);
        Assert.Contains("http://127.0.0.1:18080/", rows[1].TextContent);
    }

    [Fact]
    public void Shows_a_chip_for_every_phase_a_candidate_can_be_in()
    {
        using (var db = Database.CreateDbContext())
        {
            foreach (var phase in Enum.GetValues<CandidatePhase>())
                db.Candidates.Add(CandidateIn(App("app-" + phase.ToString().ToLowerInvariant()), phase));
            db.SaveChanges();
        }

        var page = Render<BoardPage>();
        page.WaitForElement("#board");

        var chips = page.FindAll("#board .phase-chip").Select(c => c.GetAttribute("data-phase")).Order().ToList();
        Assert.Equal(Enum.GetNames<CandidatePhase>().Order(), chips);
        Assert.Contains("Awaiting sign-off", page.Find(".phase-chip[data-phase=AwaitingSignOff]").TextContent);
    }

    [Fact]
    public void Puts_the_candidates_waiting_for_the_viewers_sign_off_first()
    {
        using (var db = Database.CreateDbContext())
        {
            db.Candidates.Add(CandidateIn(App("a-approved"), CandidatePhase.Approved));
            db.Candidates.Add(CandidateIn(App("b-voted"), CandidatePhase.AwaitingSignOff));
            db.Candidates.Add(CandidateIn(App("z-waiting"), CandidatePhase.AwaitingSignOff));
            db.SaveChanges();
            var voted = db.Candidates.Single(c => c.Application.Slug == "b-voted");
            db.SignOffs.Add(new SignOff { CandidateId = voted.Id, Digest = voted.Digest, User = "qa1@example.com", At = Now });
            db.SaveChanges();
        }
        var auth = AddAuthorization();
        auth.SetAuthorized("qa1@example.com");
        auth.SetRoles(Roles.QA);

        var page = Render<BoardPage>();
        page.WaitForElement("#board");

        var rows = page.FindAll("#board tbody tr");
        Assert.Contains("z-waiting", rows[0].TextContent);
        Assert.Contains("board-needs-action", rows[0].ClassName);
        Assert.Equal("ActionSignOff", rows[0].QuerySelector(".board-action")!.GetAttribute("data-action"));
        Assert.Single(page.FindAll(".board-needs-action"));
    }

    [Fact]
    public void Filters_by_phase_and_searches_by_version()
    {
        using (var db = Database.CreateDbContext())
        {
            db.Candidates.Add(CandidateIn(App("orders-api"), CandidatePhase.Approved, "2.0.0"));
            db.Candidates.Add(CandidateIn(App("billing"), CandidatePhase.AwaitingSignOff, "3.1.0"));
            db.SaveChanges();
        }
        var page = Render<BoardPage>();
        page.WaitForElement("#board");

        page.Find("#board-search").Input("3.1");
        page.WaitForAssertion(() => Assert.Equal(["3.1.0"], page.FindAll(".board-candidate").Select(e => e.TextContent)));

        page.Find("#board-search").Input("nothing-like-this");
        page.WaitForElement("#board-no-match");
    }

    [Fact]
    public void Shows_the_next_cutoff_of_a_recurring_window_as_a_countdown()
    {
        using (var db = Database.CreateDbContext())
        {
            db.Applications.Add(App("orders-api"));
            // Every day at 18:00 in Shanghai (10:00 UTC): one hour after Now.
            db.ReleaseWindows.Add(new ReleaseWindow { Name = "daily", Cron = "0 0 18 * * ?", TimeZoneId = "Asia/Shanghai" });
            db.SaveChanges();
        }

        var page = Render<BoardPage>();
        page.WaitForElement("#board");

        Assert.Equal("in 01:00:00", page.Find(".countdown").TextContent);
    }

    [Fact]
    public void Says_so_when_there_are_no_applications()
    {
        var page = Render<BoardPage>();
        page.WaitForElement("#board-empty");
    }
}
