using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Users;
using ReleaseGate.Core.Audit;

namespace ReleaseGate.Core.Tests;

public class SaveApplicationTests
{
    private const string Admin = "admin@example.com";
    private static readonly FakeTimeProvider Time = new(DateTimeOffset.Parse("2026-11-27T10:00:00Z"));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ApplicationForm Form(string slug = "orders-api", int port = 18080) => new()
    {
        Slug = slug, DisplayName = "Orders API",
        StagingRepository = $"127.0.0.1:5001/{slug}", ProductionRepository = $"127.0.0.1:5002/{slug}",
        SwarmService = slug, RequiredApprovals = 2,
        TeamEmails = "team@example.com", QaEmails = "qa1@example.com, qa2@example.com\nqa3@example.com",
        ContainerName = $"{slug}-test", PublishedPort = port, ContainerPort = 8080,
        EnvironmentVariables = "ASPNETCORE_ENVIRONMENT=Test\nCONNECTION=Host=db;Password=x",
        HealthPath = "/health", HealthTimeoutSeconds = 30,
        Parallelism = 2, DelaySeconds = 10, MonitorSeconds = 20,
        FailureAction = RolloutFailureAction.Pause, Order = RolloutOrder.StartFirst,
    };

    /// <summary>The form an admin gets on opening the saved application, with its current token.</summary>
    private static ApplicationForm EditOf(TestDatabase dbs, int id, string slug = "orders-api")
    {
        using var db = dbs.CreateDbContext();
        var form = Form(slug);
        form.Id = id;
        form.ConcurrencyToken = db.Applications.Single(a => a.Id == id).ConcurrencyToken;
        return form;
    }

    private static async Task<int> SavedIdAsync(TestDatabase dbs, ApplicationForm form)
    {
        var outcome = await new SaveApplication(dbs, Time).RunAsync(form, Admin, Ct);
        return Assert.IsType<ApplicationSaved>(outcome.Value).Id;
    }

    private static async Task<IReadOnlyList<FieldProblem>> ProblemsAsync(TestDatabase dbs, ApplicationForm form)
    {
        var outcome = await new SaveApplication(dbs, Time).RunAsync(form, Admin, Ct);
        return Assert.IsType<Refusal>(outcome.Refusal).Problems;
    }

    [Fact]
    public async Task A_valid_form_creates_the_application_with_every_field_and_audits_it()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Admin, Roles.Admin);

        var id = await SavedIdAsync(dbs, Form());

        await using var db = dbs.CreateDbContext();
        var app = await db.Applications.SingleAsync(a => a.Id == id, Ct);
        Assert.Equal("orders-api", app.Slug);
        Assert.Equal(["qa1@example.com", "qa2@example.com", "qa3@example.com"], app.QaEmails);
        Assert.Equal("Host=db;Password=x", app.TestEnvironment.EnvironmentVariables["CONNECTION"]);
        Assert.Equal(18080, app.TestEnvironment.PublishedPort);
        Assert.Equal(RolloutOrder.StartFirst, app.Rollout.Order);
        Assert.Equal(RolloutFailureAction.Pause, app.Rollout.FailureAction);
        Assert.False(app.ManagedByFile);
        var audit = await db.AuditEvents.SingleAsync(Ct);
        Assert.Equal(("application.created", "orders-api", ActorKind.User, Admin), (audit.Action, audit.Subject, audit.ActorKind, audit.Actor));
    }

    [Fact]
    public async Task Bad_fields_are_each_named_and_nothing_is_saved()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Admin, Roles.Admin);
        var form = Form();
        form.StagingRepository = "orders-api:1.0";
        form.QaEmails = "qa@example.com, not-a-mail";
        form.EnvironmentVariables = "GOOD=1\nno equals sign\nGOOD=2";
        form.HealthPath = "health";

        var problems = await ProblemsAsync(dbs, form);

        Assert.Equal(
            ["qaEmails", "stagingRepository", "testEnvironment.environmentVariables", "testEnvironment.environmentVariables", "testEnvironment.healthPath"],
            problems.Select(p => p.Field).Order());
        Assert.Contains(problems, p => p.Message.Contains("line 2"));
        Assert.Contains(problems, p => p.Message.Contains("GOOD is set twice"));
        await using var db = dbs.CreateDbContext();
        Assert.False(await db.Applications.AnyAsync(Ct));
        Assert.False(await db.AuditEvents.AnyAsync(Ct));
    }

    [Fact]
    public async Task A_slug_already_taken_is_refused()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Admin, Roles.Admin);
        await SavedIdAsync(dbs, Form("orders-api", 18080));

        var problems = await ProblemsAsync(dbs, Form("orders-api", 18081));

        Assert.Contains(problems, p => p.Field == "slug" && p.Message.Contains("already taken"));
    }

    [Fact]
    public async Task A_published_port_of_another_application_is_refused()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Admin, Roles.Admin);
        await SavedIdAsync(dbs, Form("orders-api", 18080));

        var problems = await ProblemsAsync(dbs, Form("billing", 18080));

        var problem = Assert.Single(problems);
        Assert.Equal("testEnvironment.publishedPort", problem.Field);
        Assert.Contains("'orders-api'", problem.Message);
    }

    [Fact]
    public async Task A_container_name_of_another_application_is_refused()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Admin, Roles.Admin);
        await SavedIdAsync(dbs, Form("orders-api", 18080));
        var form = Form("billing", 18081);
        form.ContainerName = "orders-api-test";

        var problems = await ProblemsAsync(dbs, form);

        Assert.Equal("testEnvironment.containerName", Assert.Single(problems).Field);
    }

    [Fact]
    public async Task An_update_keeps_its_own_port_and_audits_the_changed_fields_without_values()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Admin, Roles.Admin);
        var id = await SavedIdAsync(dbs, Form());
        var form = EditOf(dbs, id);
        form.RequiredApprovals = 3;
        form.EnvironmentVariables = "CONNECTION=Host=db;Password=secret-2";

        Assert.Equal(id, await SavedIdAsync(dbs, form));

        await using var db = dbs.CreateDbContext();
        var app = await db.Applications.SingleAsync(Ct);
        Assert.Equal(3, app.RequiredApprovals);
        Assert.Equal(["CONNECTION"], app.TestEnvironment.EnvironmentVariables.Keys);
        var audit = await db.AuditEvents.OrderBy(a => a.Sequence).LastAsync(Ct);
        Assert.Equal("application.updated", audit.Action);
        Assert.Equal("changed: testEnvironment.environmentVariables, requiredApprovals", audit.Details);
        Assert.DoesNotContain("secret", audit.Details);
    }

    [Fact]
    public async Task The_slug_cannot_be_changed_once_the_application_exists()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Admin, Roles.Admin);
        var id = await SavedIdAsync(dbs, Form());
        var form = EditOf(dbs, id, "orders-api-2");

        var problems = await ProblemsAsync(dbs, form);

        Assert.Contains(problems, p => p.Field == "slug" && p.Message.Contains("cannot be changed"));
        await using var db = dbs.CreateDbContext();
        Assert.Equal("orders-api", (await db.Applications.SingleAsync(Ct)).Slug);
    }

    [Fact]
    public async Task An_application_managed_by_the_file_is_not_changed_in_the_portal()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Admin, Roles.Admin);
        await new SyncDeclaredApplications(dbs, Time).RunAsync([Build.Application("orders-api")], "applications.yml", Ct);
        await using var read = dbs.CreateDbContext();
        var declared = await read.Applications.SingleAsync(Ct);
        var form = ApplicationForm.From(declared);
        form.RequiredApprovals = 5;

        var problems = await ProblemsAsync(dbs, form);

        Assert.Contains("applications file", Assert.Single(problems).Message);
        await using var db = dbs.CreateDbContext();
        Assert.Equal(1, (await db.Applications.SingleAsync(Ct)).RequiredApprovals);
    }

    [Fact]
    public async Task A_form_made_from_an_application_saves_it_unchanged()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Admin, Roles.Admin);
        var id = await SavedIdAsync(dbs, Form());
        await using var read = dbs.CreateDbContext();
        var form = ApplicationForm.From(await read.Applications.SingleAsync(Ct));

        Assert.Equal(id, await SavedIdAsync(dbs, form));

        await using var db = dbs.CreateDbContext();
        Assert.Equal(["application.created"], await db.AuditEvents.Select(a => a.Action).ToListAsync(Ct));
    }

    [Fact]
    public async Task An_edit_made_on_a_stale_form_is_refused_and_changes_nothing()
    {
        await using var dbs = (await TestDatabase.CreateAsync()).WithUser(Admin, Roles.Admin);
        var id = await SavedIdAsync(dbs, Form());
        ApplicationForm Opened()
        {
            using var db = dbs.CreateDbContext();
            return ApplicationForm.From(db.Applications.Single(a => a.Id == id));
        }
        var first = Opened();
        var second = Opened();

        first.RequiredApprovals = 3;
        await SavedIdAsync(dbs, first);
        second.DisplayName = "Orders (renamed)";
        var problems = await ProblemsAsync(dbs, second);

        Assert.Contains(problems, p => p.Field == "" && p.Message.Contains("changed this application"));
        await using var read = dbs.CreateDbContext();
        var app = await read.Applications.SingleAsync(a => a.Id == id, Ct);
        Assert.Equal(3, app.RequiredApprovals);
        Assert.Equal("Orders API", app.DisplayName);
    }
}
