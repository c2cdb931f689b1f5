using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Integrations;
using ReleaseGate.Core.Mail;
using ReleaseGate.Web.Jobs;
using ReleaseGate.Web.Security;

namespace ReleaseGate.Web.Tests;

/// <summary>The minute's housekeeping: a candidate left Registered is queued, and old bookkeeping is pruned, recent kept.</summary>
public class HousekeepingJobTests
{
    private sealed class RecordingQueue : IDeploymentQueue, ReleaseGate.Core.Development.IDevelopmentQueue
    {
        public List<Guid> Queued { get; } = [];
        public Task EnqueueAsync(Guid candidateId, string application, CancellationToken ct) { Queued.Add(candidateId); return Task.CompletedTask; }
        public Task EnqueueAsync(string application, Guid attempt, CancellationToken ct) { Queued.Add(attempt); return Task.CompletedTask; }
    }

    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T10:00:00Z");

    private static OutboxMessage Mail(DateTimeOffset? sentAt) => new()
    {
        To = ["qa@example.com"], Subject = "s", TextBody = "t", HtmlBody = "h", CreatedAt = Now.AddDays(-40), NextAttemptAt = Now.AddDays(-40), SentAt = sentAt,
    };

    [Fact]
    public async Task Left_registered_candidates_are_queued_and_old_rows_pruned()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dbs = new TestDatabase();
        var app = new ReleaseGate.Core.Applications.Application
        {
            Slug = "orders-api", DisplayName = "Orders", StagingRepository = "127.0.0.1:5001/orders-api", ProductionRepository = "127.0.0.1:5002/orders-api", SwarmService = "orders-api",
            TestEnvironment = new ReleaseGate.Core.Applications.TestEnvironmentSpec { ContainerName = "orders-api-test", PublishedPort = 18080 },
        };
        Candidate Registered(DateTimeOffset at, string version) => new()
        {
            Application = app, Version = version, Digest = "sha256:" + new string('a', 64), Commit = "9fceb02d0ae598e95dc970b74767f19372d61af8",
            SubmittedBy = "dev@example.com", RegisteredAt = at,
        };
        var stuck = Registered(Now.AddMinutes(-5), "1.0.0");
        var fresh = Registered(Now.AddSeconds(-10), "1.0.1");
        await using (var db = dbs.CreateDbContext())
        {
            db.Candidates.AddRange(stuck, fresh);
            db.Outbox.AddRange(Mail(Now.AddDays(-31)), Mail(Now.AddDays(-1)), Mail(null));
            db.IdempotencyRecords.AddRange(new IdempotencyRecord { KeyId = "k", Key = "old", RequestHash = "h", CreatedAt = Now.AddDays(-8) },
                new IdempotencyRecord { KeyId = "k", Key = "new", RequestHash = "h", CreatedAt = Now.AddDays(-1) });
            db.SeenSignatures.AddRange(new SeenSignature { Hash = new string('1', 64), KeyId = "k", SignedAt = Now.AddMinutes(-11) },
                new SeenSignature { Hash = new string('2', 64), KeyId = "k", SignedAt = Now.AddMinutes(-1) });
            await db.SaveChangesAsync(ct);
        }
        var queue = new RecordingQueue();

        await new HousekeepingJob(dbs, queue, queue, new FakeTimeProvider(Now), Options.Create(new RetentionSettings()), NullLogger<HousekeepingJob>.Instance)
            .Execute(null!, ct);

        Assert.Equal([stuck.Id], queue.Queued);
        await using var check = dbs.CreateDbContext();
        Assert.Equal(2, await check.Outbox.CountAsync(ct));
        Assert.Equal(["new"], await check.IdempotencyRecords.Select(r => r.Key).ToListAsync(ct));
        Assert.Equal([new string('2', 64)], await check.SeenSignatures.Select(s => s.Hash).ToListAsync(ct));
    }
}
