using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Applications;

namespace ReleaseGate.Web.Tests;

public class ApplicationsPageTests : ComponentTests
{
    private static Application App(string slug, int port, bool managedByFile = false) => new()
    {
        Slug = slug, DisplayName = slug.ToUpperInvariant(), StagingRepository = $"127.0.0.1:5001/{slug}",
        ProductionRepository = $"127.0.0.1:5002/{slug}", SwarmService = slug, RequiredApprovals = 2,
        TestEnvironment = new TestEnvironmentSpec { ContainerName = $"{slug}-test", PublishedPort = port },
        ManagedByFile = managedByFile,
    };

    private int Seed(Application app)
    {
        using var db = Database.CreateDbContext();
        db.Applications.Add(app);
        db.SaveChanges();
        return app.Id;
    }

    private static string ProblemNextTo(IRenderedComponent<ApplicationEditPage> page, string inputId) =>
        page.Find($"#{inputId}").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent ?? "";

    private static void Fill(IRenderedComponent<ApplicationEditPage> page, string inputId, string value) => page.Find($"#{inputId}").Change(value);

    internal static void FillValid(IRenderedComponent<ApplicationEditPage> page, string slug = "orders-api")
    {
        Fill(page, "app-slug", slug);
        Fill(page, "app-displayName", "Orders API");
        Fill(page, "app-stagingRepository", $"127.0.0.1:5001/{slug}");
        Fill(page, "app-productionRepository", $"127.0.0.1:5002/{slug}");
        Fill(page, "app-swarmService", slug);
        Fill(page, "app-requiredApprovals", "2");
        Fill(page, "app-qaEmails", "qa1@example.com\nqa2@example.com");
        Fill(page, "app-testEnvironment-containerName", $"{slug}-test");
        Fill(page, "app-testEnvironment-publishedPort", "18080");
        Fill(page, "app-testEnvironment-environmentVariables", "MODE=test");
    }

    [Fact]
    public void Lists_the_applications_with_their_settings_and_marks_those_from_the_file()
    {
        SignInAs("qa@example.com", "QA");
        Seed(App("orders-api", 18080));
        Seed(App("billing", 18081, managedByFile: true));

        var page = Render<ApplicationsPage>();

        var rows = page.FindAll("#applications tbody tr");
        Assert.Equal(["billing", "orders-api"], rows.Select(r => r.QuerySelector(".app-slug")!.TextContent));
        Assert.Contains("127.0.0.1:5001/billing", rows[0].TextContent);
        Assert.Contains("127.0.0.1:5002/billing", rows[0].TextContent);
        Assert.Contains("18081", rows[0].TextContent);
        Assert.NotNull(rows[0].QuerySelector(".managed-by-file"));
        Assert.Null(rows[1].QuerySelector(".managed-by-file"));
        // Anyone signed in may look; only an admin is offered changes.
        Assert.Empty(page.FindAll("#new-application"));
        Assert.Empty(page.FindAll(".open-application"));
    }

    [Fact]
    public void An_admin_is_offered_to_create_and_edit()
    {
        SignInAs("admin@example.com", "Admin");
        var id = Seed(App("orders-api", 18080));

        var page = Render<ApplicationsPage>();

        Assert.NotNull(page.Find("#new-application"));
        Assert.Equal($"applications/{id}", page.Find(".open-application").GetAttribute("href"));
    }

    [Fact]
    public void A_bad_repository_is_shown_next_to_its_field_and_nothing_is_saved()
    {
        SignInAs("admin@example.com", "Admin");
        RenderProviders();
        var page = Render<ApplicationEditPage>();
        FillValid(page);
        Fill(page, "app-stagingRepository", "orders-api:1.0");

        page.Find("#save-application").Click();

        page.WaitForAssertion(() => Assert.Contains("must look like host:port/name", ProblemNextTo(page, "app-stagingRepository")));
        Assert.Equal("", ProblemNextTo(page, "app-productionRepository"));
        Assert.NotNull(page.Find("#form-problems"));
        using var db = Database.CreateDbContext();
        Assert.Empty(db.Applications);
        Assert.Empty(db.AuditEvents);
    }

    [Fact]
    public void In_chinese_the_problem_is_told_in_chinese()
    {
        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("zh-CN");
        try
        {
            SignInAs("admin@example.com", "Admin");
            RenderProviders();
            var page = Render<ApplicationEditPage>();
            FillValid(page);
            Fill(page, "app-stagingRepository", "orders-api:1.0");

            page.Find("#save-application").Click();

            page.WaitForAssertion(() => Assert.Contains("格式必须为 host:port/name", ProblemNextTo(page, "app-stagingRepository")));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture;
        }
    }

    [Fact]
    public void A_valid_form_creates_the_application_and_returns_to_the_list()
    {
        SignInAs("admin@example.com", "Admin");
        RenderProviders();
        var page = Render<ApplicationEditPage>();
        FillValid(page);

        page.Find("#save-application").Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith("/applications", navigation.Uri));
        using var db = Database.CreateDbContext();
        var app = db.Applications.Single();
        Assert.Equal(("orders-api", 2, 18080), (app.Slug, app.RequiredApprovals, app.TestEnvironment.PublishedPort));
        Assert.Equal(["qa1@example.com", "qa2@example.com"], app.QaEmails);
        Assert.Equal("test", app.TestEnvironment.EnvironmentVariables["MODE"]);
        var audit = db.AuditEvents.Single();
        Assert.Equal(("application.created", "admin@example.com"), (audit.Action, audit.Actor));
    }

    [Fact]
    public void The_production_service_settings_are_saved_and_a_bad_port_is_refused_next_to_it()
    {
        SignInAs("admin@example.com", "Admin");
        RenderProviders();
        var page = Render<ApplicationEditPage>();
        FillValid(page);
        Fill(page, "app-swarm-replicas", "3");
        Fill(page, "app-swarm-publishedPorts", "18081:8080, 80:http");
        Fill(page, "app-swarm-environmentVariables", "DATABASE_URL=postgres://db/orders");
        Fill(page, "app-rollout-smokeUrl", "http://127.0.0.1:18081/health");

        page.Find("#save-application").Click();
        page.WaitForAssertion(() => Assert.Contains("must be PUBLISHED:TARGET", ProblemNextTo(page, "app-swarm-publishedPorts")));

        Fill(page, "app-swarm-publishedPorts", "18081:8080");
        page.Find("#save-application").Click();
        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith("/applications", navigation.Uri));
        using var db = Database.CreateDbContext();
        var app = db.Applications.Single();
        Assert.Equal((3, "18081:8080", "postgres://db/orders"), (app.Swarm.Replicas, Assert.Single(app.Swarm.PublishedPorts), app.Swarm.EnvironmentVariables["DATABASE_URL"]));
        Assert.Equal("http://127.0.0.1:18081/health", app.Rollout.SmokeUrl);
    }

    [Fact]
    public void A_port_used_by_another_application_is_refused_next_to_the_port()
    {
        SignInAs("admin@example.com", "Admin");
        Seed(App("billing", 18080));
        RenderProviders();
        var page = Render<ApplicationEditPage>();
        FillValid(page);

        page.Find("#save-application").Click();

        page.WaitForAssertion(() => Assert.Contains("'billing'", ProblemNextTo(page, "app-testEnvironment-publishedPort")));
        using var db = Database.CreateDbContext();
        Assert.Equal(["billing"], db.Applications.Select(a => a.Slug));
    }

    [Fact]
    public void An_edit_saves_the_changed_fields()
    {
        SignInAs("admin@example.com", "Admin");
        var id = Seed(App("orders-api", 18080));
        RenderProviders();
        var page = Render<ApplicationEditPage>(p => p.Add(x => x.Id, id));
        Assert.True(page.Find("#app-slug").HasAttribute("disabled"));
        Fill(page, "app-requiredApprovals", "3");
        page.Find(".allow-commit-authors input[type=checkbox]").Change(true);

        page.Find("#save-application").Click();

        page.WaitForAssertion(() =>
        {
            using var db = Database.CreateDbContext();
            Assert.Equal((3, true), (db.Applications.Single().RequiredApprovals, db.Applications.Single().AllowCommitAuthorsToApprove));
        });
    }

    [Fact]
    public void An_application_from_the_file_is_read_only_and_says_why()
    {
        SignInAs("admin@example.com", "Admin");
        var id = Seed(App("billing", 18081, managedByFile: true));
        RenderProviders();

        var page = Render<ApplicationEditPage>(p => p.Add(x => x.Id, id));

        Assert.Contains("edit it in Git", page.Find("#managed-by-file").TextContent);
        Assert.Empty(page.FindAll("#save-application"));
        Assert.Empty(page.FindAll("#delete-application"));
        Assert.True(page.Find("#app-stagingRepository").HasAttribute("readonly"));
        Assert.Equal("127.0.0.1:5001/billing", page.Find("#app-stagingRepository").GetAttribute("value"));
    }

    [Fact]
    public void An_application_without_candidates_is_deleted_after_confirmation()
    {
        SignInAs("admin@example.com", "Admin");
        var id = Seed(App("orders-api", 18080));
        var dialogs = RenderProviders();
        var page = Render<ApplicationEditPage>(p => p.Add(x => x.Id, id));

        page.Find("#delete-application").Click();
        dialogs.WaitForElement(".mud-dialog");
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() =>
        {
            using var db = Database.CreateDbContext();
            Assert.Empty(db.Applications);
        });
    }
}
