using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Schedule;
using static ReleaseGate.Core.Tests.Schedule.ScheduleWorld;

namespace ReleaseGate.Core.Tests.Schedule;

public class ReleaseWindowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReleaseWindowForm Daily(string name = "daily") =>
        new(null, name, null, "0 0 18 ? * MON-FRI", "Asia/Shanghai", ["orders-api"], ReminderHours: 4);

    [Fact]
    public async Task A_release_manager_saves_a_recurring_window_and_sees_its_next_cutoffs_in_its_zone()
    {
        await using var world = await CreateAsync();

        var outcome = await world.SaveWindow().RunAsync(Daily(), Manager, Ct);

        var view = Assert.IsType<ReleaseWindowView>(outcome.Value);
        // Monday 1 March 2027, 08:00 UTC = 16:00 in Shanghai: the first cutoff is 18:00 there, 10:00 UTC.
        Assert.Equal(
            ["2027-03-01T10:00:00Z", "2027-03-02T10:00:00Z", "2027-03-03T10:00:00Z", "2027-03-04T10:00:00Z", "2027-03-05T10:00:00Z"],
            view.NextCutoffs.Select(t => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ")));
        Assert.Equal(["orders-api"], view.Applications);
        Assert.Equal((4, "Asia/Shanghai"), (view.ReminderHours, view.TimeZone));
        await using var db = world.Dbs.CreateDbContext();
        var audit = await db.AuditEvents.SingleAsync(Ct);
        Assert.Equal(("window.created", Manager, "daily"), (audit.Action, audit.Actor, audit.Subject));
    }

    [Fact]
    public async Task A_window_without_a_zone_is_read_in_the_default_zone_from_settings()
    {
        await using var world = await CreateAsync();

        var view = (await world.SaveWindow().RunAsync(Daily() with { TimeZone = null }, Manager, Ct)).Value!;

        Assert.Equal("Asia/Shanghai", view.TimeZone);
    }

    [Fact]
    public async Task Editing_a_window_changes_it_in_place()
    {
        await using var world = await CreateAsync();
        var id = (await world.SaveWindow().RunAsync(Daily(), Manager, Ct)).Value!.Id;

        var edit = new ReleaseWindowForm(id, "once", Now.AddDays(2), null, "UTC", [], 0);
        var view = (await world.SaveWindow().RunAsync(edit, Manager, Ct)).Value!;

        Assert.Equal((id, "once", (DateTimeOffset?)Now.AddDays(2), (string?)null), (view.Id, view.Name, view.CutoffAt, view.Cron));
        Assert.Equal([Now.AddDays(2)], view.NextCutoffs);
        await using var db = world.Dbs.CreateDbContext();
        Assert.Equal(1, await db.ReleaseWindows.CountAsync(Ct));
    }

    public static TheoryData<string, ReleaseWindowForm> BadForms() => new()
    {
        { "name", Daily("  ") },
        { "cron", Daily() with { Cron = "every friday" } },
        // 30 February: a valid expression that never fires.
        { "cron", Daily() with { Cron = "0 0 18 30 2 ?" } },
        { "cron", Daily() with { CutoffAt = Now.AddDays(1) } },
        { "cutoffAt", Daily() with { Cron = null } },
        { "cutoffAt", Daily() with { Cron = null, CutoffAt = Now.AddMinutes(-1) } },
        { "timeZone", Daily() with { TimeZone = "Mars/Olympus_Mons" } },
        { "applications", Daily() with { Applications = ["orders-api", "no-such-app"] } },
        { "reminderHours", Daily() with { ReminderHours = -1 } },
    };

    [Theory]
    [MemberData(nameof(BadForms))]
    public async Task A_bad_window_is_refused_naming_its_field_in_both_languages_and_changes_nothing(string field, ReleaseWindowForm form)
    {
        await using var world = await CreateAsync();
        var before = await world.CountsAsync();

        var outcome = await world.SaveWindow().RunAsync(form, Manager, Ct);

        Assert.Equal(RefusalCode.Invalid, outcome.Refusal!.Code);
        var problem = Assert.Single(outcome.Refusal.Problems);
        Assert.Equal(field, problem.Field);
        Assert.NotEmpty(problem.Message);
        Assert.NotEqual(problem.Message, problem.MessageZh);
        Assert.Equal(before, await world.CountsAsync());
    }

    [Fact]
    public async Task A_second_window_with_the_same_name_is_refused()
    {
        await using var world = await CreateAsync();
        await world.SaveWindow().RunAsync(Daily(), Manager, Ct);

        var outcome = await world.SaveWindow().RunAsync(Daily(), Manager, Ct);

        Assert.Equal("name", outcome.Refusal!.Field);
    }

    [Theory]
    [InlineData(Qa1, RefusalCode.MissingRole)]
    [InlineData(DisabledManager, RefusalCode.AccountDisabled)]
    [InlineData("nobody@example.com", RefusalCode.UnknownActor)]
    public async Task Only_an_enabled_release_manager_edits_windows(string actor, RefusalCode code)
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("existing", Now.AddDays(1));
        var before = await world.CountsAsync();

        Assert.Equal(code, (await world.SaveWindow().RunAsync(Daily(), actor, Ct)).Refusal!.Code);
        Assert.Equal(code, (await world.DeleteWindow().RunAsync(window.Id, actor, Ct)).Refusal!.Code);
        Assert.Equal(before, await world.CountsAsync());
    }

    [Fact]
    public async Task A_window_declared_in_the_applications_file_cannot_be_changed_or_deleted_in_the_portal()
    {
        await using var world = await CreateAsync();
        int id;
        await using (var db = world.Dbs.CreateDbContext())
        {
            var window = new ReleaseWindow { Name = "from git", Cron = "0 0 18 ? * FRI", DeclaredInFile = true };
            db.ReleaseWindows.Add(window);
            await db.SaveChangesAsync(Ct);
            id = window.Id;
        }

        Assert.Equal(RefusalCode.ManagedByFile, (await world.SaveWindow().RunAsync(Daily() with { Id = id }, Manager, Ct)).Refusal!.Code);
        Assert.Equal(RefusalCode.ManagedByFile, (await world.DeleteWindow().RunAsync(id, Manager, Ct)).Refusal!.Code);
    }

    [Fact]
    public async Task Deleting_a_window_leaves_its_candidates_without_a_target_and_is_audited()
    {
        await using var world = await CreateAsync();
        var window = await world.AddWindowAsync("once", Now.AddDays(1));
        var c = await world.AddCandidateAsync(world.Orders, CandidatePhase.AwaitingSignOff, "1.0.0");
        await using (var db = world.Dbs.CreateDbContext())
        {
            await db.Candidates.Where(x => x.Id == c.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.TargetWindowId, window.Id), Ct);
        }

        var outcome = await world.DeleteWindow().RunAsync(window.Id, Manager, Ct);

        Assert.False(outcome.IsRefused);
        Assert.Null((await world.ReloadAsync(c.Id)).TargetWindowId);
        await using var check = world.Dbs.CreateDbContext();
        Assert.Empty(await check.ReleaseWindows.ToListAsync(Ct));
        Assert.Equal("window.deleted", (await check.AuditEvents.SingleAsync(Ct)).Action);
        Assert.Equal(RefusalCode.NotFound, (await world.DeleteWindow().RunAsync(window.Id, Manager, Ct)).Refusal!.Code);
    }

    [Fact]
    public async Task Windows_are_listed_soonest_cutoff_first_with_their_next_cutoffs()
    {
        await using var world = await CreateAsync();
        await world.AddWindowAsync("past", Now.AddHours(-1));
        await world.AddWindowAsync("later", Now.AddDays(3));
        await world.AddWindowAsync("hourly", cron: "0 0 * * * ?");

        var views = (await world.ListWindows().RunAsync(3, Ct)).Value!;

        Assert.Equal(["hourly", "later", "past"], views.Select(v => v.Name));
        Assert.Equal([Now.AddHours(1), Now.AddHours(2), Now.AddHours(3)], views[0].NextCutoffs);
        Assert.Empty(views[2].NextCutoffs);
    }
}
