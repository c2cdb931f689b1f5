using Microsoft.EntityFrameworkCore;
using ReleaseGate.Web.Applications;

namespace ReleaseGate.Web.Tests;

public class ScheduleFileTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"rg-sched-{Guid.NewGuid():N}.yml");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Apps = """
        applications:
          - slug: orders-api
            stagingRepository: 127.0.0.1:5001/orders-api
            productionRepository: 127.0.0.1:5002/orders-api
            swarmService: orders-api
            testEnvironment: { containerName: orders-api-test, publishedPort: 18090 }
        """;

    [Fact]
    public async Task Windows_and_freezes_in_the_file_are_read_at_start_as_declared()
    {
        await File.WriteAllTextAsync(file, Apps + """

            windows:
              - name: Friday release
                cron: 0 0 18 ? * FRI
                timeZone: Asia/Shanghai
                applications: [orders-api]
                reminderHours: 4
              - name: Launch
                cutoffAt: 2027-03-01T10:00:00+08:00
            freezes:
              - reason: Spring festival
                startsAt: 2027-02-05T00:00:00+08:00
                endsAt: 2027-02-20T00:00:00+08:00
              - reason: Weekends
                startCron: 0 0 18 ? * FRI
                endCron: 0 0 8 ? * MON
                timeZone: Asia/Shanghai
            """, Ct);
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:ApplicationsFile"] = file;

        _ = portal.CreateClient();

        await using var db = portal.CreateDb();
        var windows = await db.ReleaseWindows.OrderBy(w => w.Name).ToListAsync(Ct);
        Assert.Equal(["Friday release", "Launch"], windows.Select(w => w.Name));
        Assert.All(windows, w => Assert.True(w.DeclaredInFile));
        Assert.Equal(("0 0 18 ? * FRI", "Asia/Shanghai", 4), (windows[0].Cron, windows[0].TimeZoneId, windows[0].ReminderHours));
        Assert.Equal(["orders-api"], windows[0].ApplicationSlugs);
        Assert.Equal(DateTimeOffset.Parse("2027-03-01T02:00:00Z"), windows[1].CutoffAt);
        var freezes = await db.Freezes.OrderBy(f => f.Reason).ToListAsync(Ct);
        Assert.Equal(["Spring festival", "Weekends"], freezes.Select(f => f.Reason));
        Assert.All(freezes, f => Assert.True(f.DeclaredInFile));
        Assert.Equal("0 0 8 ? * MON", freezes[1].EndCron);
    }

    [Theory]
    [InlineData("windows:\n  - name: Bad\n    cron: every friday\n", 9, "windows[0].cron")]
    [InlineData("windows:\n  - name: Mars\n    cron: 0 0 18 ? * FRI\n    timeZone: Mars/Olympus\n", 10, "windows[0].timeZone")]
    [InlineData("windows:\n  - name: Other\n    cron: 0 0 18 ? * FRI\n    applications: [nope]\n", 10, "windows[0].applications")]
    [InlineData("freezes:\n  - reason: Backwards\n    startsAt: 2027-02-05T00:00:00Z\n    endsAt: 2027-02-01T00:00:00Z\n", 10, "freezes[0].endsAt")]
    [InlineData("windows:\n  - name: When\n    cutoffAt: next friday\n", 9, "windows[0].cutoffAt")]
    public async Task A_bad_entry_stops_the_start_naming_its_line_and_field(string schedule, int line, string field)
    {
        await File.WriteAllTextAsync(file, Apps + "\n" + schedule, Ct);
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:ApplicationsFile"] = file;

        var error = Assert.Throws<ApplicationsFileException>(() => portal.CreateClient());

        Assert.Contains($"{file}:{line}: {field}", error.Message);
    }

    public void Dispose() => File.Delete(file);
}
