using ReleaseGate.Core.Schedule;
using static ReleaseGate.Core.Tests.Schedule.ScheduleWorld;

namespace ReleaseGate.Core.Tests.Schedule;

public class FreezeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ICutoffCalendar Calendar = QuartzCalendar.Instance;

    // Weekends in Berlin: from Friday 18:00 to Monday 08:00, as a GitLab deploy freeze would say it.
    private static readonly Freeze Weekend = new()
    {
        Id = 1, Reason = "weekend", StartCron = "0 0 18 ? * FRI", EndCron = "0 0 8 ? * MON", TimeZoneId = "Europe/Berlin",
    };

    [Theory]
    [InlineData("2027-03-26T16:59:59Z", false)] // Friday 17:59:59 in Berlin (UTC+1)
    [InlineData("2027-03-26T17:00:00Z", true)]  // Friday 18:00
    [InlineData("2027-03-28T12:00:00Z", true)]  // Sunday, summer time began in the night
    [InlineData("2027-03-29T05:59:59Z", true)]  // Monday 07:59:59 (UTC+2)
    [InlineData("2027-03-29T06:00:00Z", false)] // Monday 08:00
    [InlineData("2027-03-31T12:00:00Z", false)] // Wednesday
    public void A_recurring_freeze_runs_from_a_start_fire_to_the_next_end_fire(string at, bool frozen)
    {
        var by = Calendar.FrozenBy([Weekend], "orders-api", DateTimeOffset.Parse(at));

        Assert.Equal(frozen, by is not null);
    }

    [Fact]
    public void A_one_off_freeze_holds_from_its_start_until_just_before_its_end_and_only_its_applications()
    {
        var freeze = new Freeze { Id = 2, Reason = "launch", StartsAt = Now, EndsAt = Now.AddDays(1), ApplicationSlugs = ["billing"] };

        Assert.Same(freeze, Calendar.FrozenBy([Weekend, freeze], "billing", Now));
        Assert.Null(Calendar.FrozenBy([freeze], "billing", Now.AddTicks(-1)));
        Assert.Null(Calendar.FrozenBy([freeze], "billing", Now.AddDays(1)));
        Assert.Null(Calendar.FrozenBy([freeze], "orders-api", Now));
    }

    [Fact]
    public async Task A_release_manager_saves_a_recurring_freeze_and_it_is_listed_as_active_when_it_holds()
    {
        await using var world = await CreateAsync();
        var form = new FreezeForm(null, "weekend", null, null, "0 0 18 ? * FRI", "0 0 8 ? * MON", "Europe/Berlin", ["orders-api"]);

        var saved = (await world.SaveFreeze().RunAsync(form, Manager, Ct)).Value!;
        world.Time.SetUtcNow(DateTimeOffset.Parse("2027-03-06T12:00:00Z")); // a Saturday

        var listed = Assert.Single((await world.ListFreezes().RunAsync(Ct)).Value!);
        Assert.Equal((saved.Id, "weekend", true), (listed.Id, listed.Reason, listed.ActiveNow));
        Assert.Equal(["orders-api"], listed.Applications);
        Assert.False((await world.DeleteFreeze().RunAsync(saved.Id, Manager, Ct)).IsRefused);
        Assert.Empty((await world.ListFreezes().RunAsync(Ct)).Value!);
    }

    public static TheoryData<string, FreezeForm> BadForms() => new()
    {
        { "reason", new FreezeForm(null, " ", Now, Now.AddDays(1), null, null, null, []) },
        { "endsAt", new FreezeForm(null, "x", Now.AddDays(1), Now, null, null, null, []) },
        { "endsAt", new FreezeForm(null, "x", Now.AddDays(-2), Now.AddDays(-1), null, null, null, []) },
        { "startsAt", new FreezeForm(null, "x", null, null, null, null, null, []) },
        { "startCron", new FreezeForm(null, "x", null, null, "friday evening", "0 0 8 ? * MON", null, []) },
        { "endCron", new FreezeForm(null, "x", null, null, "0 0 18 ? * FRI", null, null, []) },
        { "timeZone", new FreezeForm(null, "x", null, null, "0 0 18 ? * FRI", "0 0 8 ? * MON", "Berlin", []) },
        { "applications", new FreezeForm(null, "x", Now, Now.AddDays(1), null, null, null, ["nope"]) },
    };

    [Theory]
    [MemberData(nameof(BadForms))]
    public async Task A_bad_freeze_is_refused_naming_its_field_and_changes_nothing(string field, FreezeForm form)
    {
        await using var world = await CreateAsync();
        var before = await world.CountsAsync();

        var outcome = await world.SaveFreeze().RunAsync(form, Manager, Ct);

        Assert.Equal(RefusalCode.Invalid, outcome.Refusal!.Code);
        Assert.Equal(field, Assert.Single(outcome.Refusal.Problems).Field);
        Assert.Equal(before, await world.CountsAsync());
    }

    [Fact]
    public async Task Qa_cannot_declare_a_freeze()
    {
        await using var world = await CreateAsync();

        var outcome = await world.SaveFreeze().RunAsync(new FreezeForm(null, "x", Now, Now.AddDays(1), null, null, null, []), Qa1, Ct);

        Assert.Equal(RefusalCode.MissingRole, outcome.Refusal!.Code);
    }
}
