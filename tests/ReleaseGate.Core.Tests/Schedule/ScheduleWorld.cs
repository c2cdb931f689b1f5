using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Tests.Schedule;

/// <summary>A migrated database with people in roles and two applications, and the schedule use cases over it.</summary>
internal sealed class ScheduleWorld : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2027-03-01T08:00:00Z");
    public const string Manager = "rm@example.com";
    public const string DisabledManager = "gone-rm@example.com";
    public const string Qa1 = "qa1@example.com";
    public const string Qa2 = "qa2@example.com";
    public const string DisabledQa = "gone-qa@example.com";
    public const string Submitter = "dev@example.com";

    private ScheduleWorld(TestDatabase dbs) => Dbs = dbs;

    public TestDatabase Dbs { get; }
    public FakeTimeProvider Time { get; } = new(Now);
    public ICutoffCalendar Calendar => QuartzCalendar.Instance;
    public ScheduleDefaults Defaults { get; } = new("Asia/Shanghai");
    public PortalLinks Links { get; } = new(new Uri("http://portal.example.com/"));
    public RecordedPromotions Queue { get; } = new();
    public RecordedChanges Changes { get; } = new();
    public Application Orders { get; private set; } = null!;
    public Application Billing { get; private set; } = null!;

    public SaveReleaseWindow SaveWindow() => new(Dbs, Calendar, Defaults, Time);
    public DeleteReleaseWindow DeleteWindow() => new(Dbs, Time);
    public ListReleaseWindows ListWindows() => new(Dbs, Calendar, Time);
    public SaveFreeze SaveFreeze() => new(Dbs, Calendar, Defaults, Time);
    public DeleteFreeze DeleteFreeze() => new(Dbs, Time);
    public ListFreezes ListFreezes() => new(Dbs, Calendar, Time);
    public RunCutoff RunCutoff() => new(Dbs, Calendar, Queue, Changes, Time, Links);
    public OverrideCutoff OverrideCutoff() => new(Dbs, Calendar, Time);
    public ReleaseNow ReleaseNow() => new(Dbs, Calendar, Queue, Changes, Time, Links);
    public SendCutoffReminders Reminders() => new(Dbs, Calendar, Time, Links);

    public static async Task<ScheduleWorld> CreateAsync()
    {
        var world = new ScheduleWorld(await TestDatabase.CreateAsync());
        await using var db = world.Dbs.CreateDbContext();
        foreach (var role in Roles.All) db.Roles.Add(new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() });
        await db.SaveChangesAsync();
        await AddUserAsync(db, Manager, Roles.ReleaseManager);
        await AddUserAsync(db, DisabledManager, Roles.ReleaseManager, disabled: true);
        await AddUserAsync(db, Qa1, Roles.QA);
        await AddUserAsync(db, Qa2, Roles.QA);
        await AddUserAsync(db, DisabledQa, Roles.QA, disabled: true);
        await AddUserAsync(db, Submitter, Roles.QA);
        world.Orders = Build.Application("orders-api");
        world.Billing = Build.Application("billing");
        world.Billing.TestEnvironment.ContainerName = "billing-test";
        world.Billing.TestEnvironment.PublishedPort = 18081;
        world.Billing.QaEmails = ["billing-qa@example.com"];
        db.Applications.AddRange(world.Orders, world.Billing);
        await db.SaveChangesAsync();
        return world;
    }

    private static async Task AddUserAsync(ReleaseGateDb db, string userName, string role, bool disabled = false)
    {
        var user = new PortalUser
        {
            UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), Email = userName,
            LockoutEnabled = disabled, LockoutEnd = disabled ? DateTimeOffset.MaxValue : null,
        };
        db.Users.Add(user);
        var roleId = await db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync();
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roleId });
        await db.SaveChangesAsync();
    }

    /// <summary>A candidate of <paramref name="app"/> walked along the phase table to <paramref name="phase"/>.</summary>
    public async Task<Candidate> AddCandidateAsync(Application app, CandidatePhase phase, string version, int minutesAgo = 60, string? approvedBy = null)
    {
        await using var db = Dbs.CreateDbContext();
        db.Attach(app);
        var c = Build.Candidate(app, version, Now.AddMinutes(-minutesAgo));
        var at = Now.AddMinutes(-minutesAgo);
        foreach (var step in PathTo(phase)) c.MoveTo(step, at, "system", "seed");
        // Approved (or past it) by a QA who may still sign off: the cutoff re-checks every counted approval.
        if (approvedBy is null && PathTo(phase).Contains(CandidatePhase.Approved)) approvedBy = Qa1;
        if (approvedBy is not null)
            c.SignOffs.Add(new SignOff { Digest = c.Digest, User = approvedBy, Decision = SignOffDecision.Approve, At = at });
        db.Candidates.Add(c);
        await db.SaveChangesAsync();
        return c;
    }

    private static CandidatePhase[] PathTo(CandidatePhase phase) => phase switch
    {
        CandidatePhase.Registered => [],
        CandidatePhase.Deploying => [CandidatePhase.Deploying],
        CandidatePhase.DeployFailed => [CandidatePhase.Deploying, CandidatePhase.DeployFailed],
        CandidatePhase.AwaitingSignOff => [CandidatePhase.Deploying, CandidatePhase.AwaitingSignOff],
        CandidatePhase.Approved => [.. PathTo(CandidatePhase.AwaitingSignOff), CandidatePhase.Approved],
        CandidatePhase.Promoting => [.. PathTo(CandidatePhase.Approved), CandidatePhase.Promoting],
        CandidatePhase.Errored => [.. PathTo(CandidatePhase.Promoting), CandidatePhase.Errored],
        CandidatePhase.RollingOut => [.. PathTo(CandidatePhase.Promoting), CandidatePhase.RollingOut],
        CandidatePhase.Released => [.. PathTo(CandidatePhase.RollingOut), CandidatePhase.Released],
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "not seeded by the schedule tests"),
    };

    public async Task<Candidate> ReloadAsync(Guid id)
    {
        await using var db = Dbs.CreateDbContext();
        return await db.Candidates.AsNoTracking().Include(c => c.Events).SingleAsync(c => c.Id == id);
    }

    public async Task<ReleaseWindow> AddWindowAsync(string name, DateTimeOffset? cutoffAt = null, string? cron = null, string zone = "UTC", params string[] apps)
    {
        await using var db = Dbs.CreateDbContext();
        var window = new ReleaseWindow { Name = name, CutoffAt = cutoffAt, Cron = cron, TimeZoneId = zone, ApplicationSlugs = [.. apps] };
        db.ReleaseWindows.Add(window);
        await db.SaveChangesAsync();
        return window;
    }

    public async Task<Freeze> AddFreezeAsync(Freeze freeze)
    {
        await using var db = Dbs.CreateDbContext();
        db.Freezes.Add(freeze);
        await db.SaveChangesAsync();
        return freeze;
    }

    /// <summary>Row counts of everything a schedule use case may write, to show that a refusal changed nothing.</summary>
    public async Task<(int Windows, int Freezes, int Overrides, int Runs, int Audit, int Outbox, int Events)> CountsAsync()
    {
        await using var db = Dbs.CreateDbContext();
        return (await db.ReleaseWindows.CountAsync(), await db.Freezes.CountAsync(), await db.CutoffOverrides.CountAsync(),
            await db.CutoffRuns.CountAsync(), await db.AuditEvents.CountAsync(), await db.Outbox.CountAsync(), await db.CandidateEvents.CountAsync());
    }

    public async Task<List<Mail.OutboxMessage>> MailsAsync(string? kind = null)
    {
        await using var db = Dbs.CreateDbContext();
        return await db.Outbox.Where(m => kind == null || m.Kind == kind).OrderBy(m => m.Id).ToListAsync();
    }

    public ValueTask DisposeAsync() => Dbs.DisposeAsync();
}

internal sealed class RecordedPromotions : IPromotionQueue
{
    public List<Guid> Enqueued { get; } = [];
    public List<(Guid Id, TimeSpan After)> Retries { get; } = [];
    public Task EnqueueAsync(Guid candidateId, CancellationToken ct) { lock (Enqueued) Enqueued.Add(candidateId); return Task.CompletedTask; }
    public Task RetryAsync(Guid candidateId, TimeSpan after, CancellationToken ct) { lock (Retries) Retries.Add((candidateId, after)); return Task.CompletedTask; }
}
