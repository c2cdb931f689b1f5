using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Board;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Releases;
using ReleaseGate.Web.Components.Pages;
using ReleaseGate.Web.Live;
using ReleaseGate.Web.Localization;

namespace ReleaseGate.Web.Tests;

public class BoardPageTests : BunitContext
{
    private readonly TempDatabase database = new();

    public BoardPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<UiText>();
        Services.AddSingleton<IDbContextFactory<ReleaseGateDb>>(database);
        Services.AddScoped<LoadBoard>();
        Services.AddLogging();
        Services.AddSingleton<CandidateChanges>();
    }

    private static Application App(string slug) => new()
    {
        Slug = slug, DisplayName = slug.ToUpperInvariant(), StagingRepository = $"127.0.0.1:5001/{slug}",
        ProductionRepository = $"127.0.0.1:5002/{slug}", SwarmService = slug, RequiredApprovals = 2,
        TestEnvironment = new TestEnvironmentSpec { ContainerName = slug, PublishedPort = 18080 },
    };

    [Fact]
    public void Lists_each_application_with_production_and_candidate()
    {
        var at = DateTimeOffset.Parse("2026-11-25T08:00:00Z");
        using (var db = database.CreateDbContext())
        {
            var orders = App("orders-api");
            var billing = App("billing");
            db.Applications.AddRange(orders, billing);
            db.SaveChanges();
            db.Releases.Add(new Release { ApplicationId = orders.Id, Version = "1.4.1", Digest = "sha256:" + new string('b', 64), StartedAt = at, FinishedAt = at, Outcome = ReleaseOutcome.Succeeded });
            var candidate = new Candidate
            {
                ApplicationId = orders.Id, Version = "1.4.2", Digest = "sha256:" + new string('c', 64), Commit = "abc", SubmittedBy = "dev@example.com",
                RegisteredAt = at.AddHours(1), TestUrl = "http://127.0.0.1:18080/",
            };
            candidate.MoveTo(CandidatePhase.Deploying, at.AddHours(1), "system", "deploying");
            candidate.MoveTo(CandidatePhase.AwaitingSignOff, at.AddHours(1), "system", "ready");
            db.Candidates.Add(candidate);
            db.SaveChanges();
        }

        var page = Render<Board>();
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
    public void Says_so_when_there_are_no_applications()
    {
        var page = Render<Board>();
        page.WaitForElement("#board-empty");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        database.Dispose();
    }
}
