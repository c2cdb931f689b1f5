using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Releases;

namespace ReleaseGate.Core.Promotions;

/// <summary>
/// Copies a promoting candidate's signed digest (never a tag) to the production registry, then releases it: straight
/// away for a registry-only application, by a Swarm rolling update otherwise. A failure ends in Errored with the
/// reason as given, never in a pretended success. Safe to run again after a crash: the copy is by digest. A registry
/// that cannot be reached is waited for: the candidate stays Promoting, says why, and is tried again with a growing
/// pause, until <see cref="UnreachableAttempts"/> attempts; only then does it end Errored for a person to retry.
/// </summary>
public sealed class PromoteCandidate(
    IDbContextFactory<ReleaseGateDb> dbs, IImagePromotion registry, IRollout rollout, IPromotionQueue queue, ICandidateChanges changes,
    TimeProvider time, PortalLinks links)
{
    /// <summary>Attempts (5 s, 10 s, 20 s … then every minute: about a quarter of an hour) before an unreachable registry is an error.</summary>
    public const int UnreachableAttempts = 18;

    // Progress is written at most this often (and whenever a blob completes), so a fast copy does not flood the database.
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    public async Task<Outcome<CandidatePhase>> RunAsync(Guid candidateId, CancellationToken ct = default)
    {
        using var span = Telemetry.Start("promote", candidateId);
        var outcome = span.Ended(await PromoteAsync(candidateId, ct));
        if (outcome.Value is { } phase) span?.SetTag("releasegate.phase", phase.ToString());
        return outcome;
    }

    private async Task<Outcome<CandidatePhase>> PromoteAsync(Guid candidateId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.Include(x => x.Application).SingleOrDefaultAsync(x => x.Id == candidateId, ct);
        if (c is null) return new Refusal(RefusalCode.NotFound, "", $"There is no candidate {candidateId}.", $"候选版本 {candidateId} 不存在。");
        // Cut short by a crash after RollingOut was saved but before the rollout's start was recorded: start it now
        // (the Swarm adapter does not send an update the service already has, so it is sent once).
        if (c.Phase == CandidatePhase.RollingOut && await UnstartedReleaseAsync(db, c.Id, ct))
            return await StartRolloutAsync(c.Id, ct);
        if (c.Phase != CandidatePhase.Promoting)
            return new Refusal(RefusalCode.WrongPhase, "", $"The candidate is {c.Phase}; only a promoting candidate is copied to production.", $"候选版本处于 {c.Phase} 阶段,只有 Promoting 阶段的候选版本才会复制到生产环境。");

        var now = time.GetUtcNow();
        var promotion = await db.Promotions.SingleOrDefaultAsync(p => p.CandidateId == c.Id, ct);
        if (promotion is null) db.Promotions.Add(promotion = new Promotion { CandidateId = c.Id });
        promotion.Attempts++;
        (promotion.StartedAt, promotion.FinishedAt, promotion.Error, promotion.ProductionDigest) = (now, null, null, null);
        (promotion.BytesCopied, promotion.BytesTotal, promotion.BlobsCopied, promotion.BlobsTotal) = (0, 0, 0, 0);
        c.Progress = $"Copying {c.StagingReference} to {c.Application.ProductionRepository}:{c.Version}";
        c.Touch();
        await db.SaveChangesAsync(ct);
        changes.Published(c.Id);

        string served;
        var progress = new ProgressWriter(dbs, changes, time, c.Id);
        try
        {
            served = await registry.CopyAsync(c.Application.StagingRepository, c.Digest, c.Application.ProductionRepository, c.Version, progress, ct);
        }
        catch (ImagePromotionException e) when (e.Unreachable && promotion.Attempts < UnreachableAttempts)
        {
            return await WaitForRegistryAsync(c.Id, promotion.Attempts, e.Message, ct);
        }
        catch (ImagePromotionException e)
        {
            return await FailAsync(c.Id, e.Message, promotion: true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever broke, the candidate must not stay Promoting with nobody told.
            await FailAsync(c.Id, $"The copy stopped on an unexpected error: {e.Message}", promotion: true);
            throw;
        }
        if (!string.Equals(served, c.Digest, StringComparison.Ordinal))
            return await FailAsync(c.Id, $"The production registry serves {served} for {c.Version}, not the signed-off {c.Digest}.", promotion: true, served);

        return await ReleaseAsync(c.Id, served, progress.Last, ct);
    }

    private async Task<Outcome<CandidatePhase>> ReleaseAsync(Guid candidateId, string served, CopyProgress? last, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.Include(x => x.Application).SingleAsync(x => x.Id == candidateId, ct);
        var promotion = await db.Promotions.SingleAsync(p => p.CandidateId == candidateId, ct);
        var now = time.GetUtcNow();
        (promotion.FinishedAt, promotion.ProductionDigest) = (now, served);
        if (last is { } p)
        {
            (promotion.BytesCopied, promotion.BytesTotal, promotion.BlobsCopied, promotion.BlobsTotal) = (p.BytesCopied, p.BytesTotal, p.BlobsCopied, p.BlobsTotal);
            // The promote span (Activity.Current) says how much moved: blobs and bytes copied of the total.
            Activity.Current?.SetTag("releasegate.blobs.copied", p.BlobsCopied).SetTag("releasegate.blobs.total", p.BlobsTotal)
                .SetTag("releasegate.bytes.copied", p.BytesCopied).SetTag("releasegate.bytes.total", p.BytesTotal);
        }
        c.Progress = null;
        var subject = $"{c.Application.Slug} {c.Version}";
        var release = new Release { ApplicationId = c.ApplicationId, Digest = c.Digest, Version = c.Version, CandidateId = c.Id, Kind = ReleaseKind.Rollout, StartedAt = now, StartedBy = "system" };
        db.Releases.Add(release);
        db.AuditEvents.Add(AuditEvent.BySystem(now, "candidate.promoted", subject, served));

        if (c.Application.IsRegistryOnly)
        {
            // The phase table has no Promoting → Released: a registry-only release passes RollingOut, and says so.
            c.MoveTo(CandidatePhase.RollingOut, now, "system", $"In the production registry as {c.Application.ProductionRepository}:{c.Version}; registry-only application, nothing to roll out.");
            c.MoveTo(CandidatePhase.Released, now, "system", $"Released: production serves {served}.", new() { ["digest"] = served });
            (release.Outcome, release.FinishedAt) = (ReleaseOutcome.Succeeded, now);
            db.AuditEvents.Add(AuditEvent.BySystem(now, "candidate.released", subject, served));
            await PromotionMail.QueueAsync(db, links, c, null, now, ct);
            await db.SaveChangesAsync(ct);
            changes.Published(c.Id);
            return CandidatePhase.Released;
        }

        c.MoveTo(CandidatePhase.RollingOut, now, "system", $"In the production registry; rolling update of service '{c.Application.SwarmService}' starting.");
        await db.SaveChangesAsync(ct);
        changes.Published(c.Id);
        return await StartRolloutAsync(c.Id, ct);
    }

    /// <summary>A rollout release of the candidate still running whose Swarm side was never recorded.</summary>
    public static Task<bool> UnstartedReleaseAsync(ReleaseGateDb db, Guid candidateId, CancellationToken ct) =>
        db.Releases.AnyAsync(r => r.CandidateId == candidateId && r.Kind == ReleaseKind.Rollout && r.Outcome == ReleaseOutcome.Running
            && !db.Rollouts.Any(x => x.ReleaseId == r.Id), ct);

    private async Task<Outcome<CandidatePhase>> StartRolloutAsync(Guid candidateId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.Include(x => x.Application).SingleAsync(x => x.Id == candidateId, ct);
        RolloutStart start;
        try
        {
            start = await rollout.StartAsync(new RolloutRequest(c.Id, c.Application.SwarmService, StartRollout.ImageOf(c.Application, c.Version, c.Digest), c.Application.Rollout), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // After a crash two runs may start the same rollout (Quartz's recovery and the start-up catch-up): when the
            // other one recorded it first, Swarm was asked once and it is started; this run has nothing left to do.
            if (e is DbUpdateException && !await UnstartedReleaseAsync(db, c.Id, CancellationToken.None)) return CandidatePhase.RollingOut;
            start = RolloutStart.NotStarted($"The rollout could not be started: {e.Message}");
        }
        if (!start.Started) return await FailAsync(c.Id, start.Message, promotion: false);
        return CandidatePhase.RollingOut;
    }

    /// <summary>The next attempt after a pause that doubles from 5 s up to a minute; the candidate says what it waits for.</summary>
    public static TimeSpan RetryAfter(int attempts) => TimeSpan.FromSeconds(Math.Min(60, 5 * (1 << Math.Min(attempts - 1, 4))));

    private async Task<Outcome<CandidatePhase>> WaitForRegistryAsync(Guid candidateId, int attempts, string reason, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Candidates.SingleAsync(x => x.Id == candidateId, ct);
        var promotion = await db.Promotions.SingleAsync(p => p.CandidateId == candidateId, ct);
        var after = RetryAfter(attempts);
        promotion.Error = reason;
        c.Progress = $"Waiting for the registry: {reason.TrimEnd('.')}. Attempt {attempts + 1} of {UnreachableAttempts} in {after.TotalSeconds:0} s.";
        c.Touch();
        await db.SaveChangesAsync(ct);
        changes.Published(c.Id);
        await queue.RetryAsync(c.Id, after, ct);
        return CandidatePhase.Promoting;
    }

    /// <summary>Errored with the reason as the registry or Swarm gave it; the release row, if any, failed with it.</summary>
    private async Task<Outcome<CandidatePhase>> FailAsync(Guid candidateId, string reason, bool promotion, string? served = null)
    {
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        var c = await db.Candidates.Include(x => x.Application).SingleAsync(x => x.Id == candidateId);
        var now = time.GetUtcNow();
        if (!PhaseTable.Allows(c.Phase, CandidatePhase.Errored)) return c.Phase;
        c.Progress = null;
        c.MoveTo(CandidatePhase.Errored, now, "system", (promotion ? "Promotion failed: " : "Rollout failed: ") + reason);
        if (await db.Promotions.SingleOrDefaultAsync(p => p.CandidateId == candidateId) is { } row)
            (row.Error, row.FinishedAt, row.ProductionDigest) = (promotion ? reason : row.Error, promotion ? now : row.FinishedAt, served ?? row.ProductionDigest);
        foreach (var r in await db.Releases.Where(r => r.CandidateId == candidateId && r.Outcome == ReleaseOutcome.Running).ToListAsync())
            (r.Outcome, r.FinishedAt) = (ReleaseOutcome.Failed, now);
        db.AuditEvents.Add(AuditEvent.BySystem(now, promotion ? "candidate.promotion-failed" : "candidate.rollout-failed", $"{c.Application.Slug} {c.Version}", reason));
        await PromotionMail.QueueAsync(db, links, c, reason, now, CancellationToken.None);
        await db.SaveChangesAsync();
        changes.Published(c.Id);
        return CandidatePhase.Errored;
    }

    /// <summary>Writes the copy's progress where pages and the API read it, as the adapter reports it.</summary>
    private sealed class ProgressWriter(IDbContextFactory<ReleaseGateDb> dbs, ICandidateChanges changes, TimeProvider time, Guid candidateId) : IProgress<CopyProgress>
    {
        private DateTimeOffset lastWrite = DateTimeOffset.MinValue;
        public CopyProgress? Last { get; private set; }

        public void Report(CopyProgress value)
        {
            var blobDone = Last is not { } last || last.BlobsCopied != value.BlobsCopied;
            Last = value;
            var now = time.GetUtcNow();
            if (!blobDone && now - lastWrite < ProgressEvery) return;
            lastWrite = now;
            using var db = dbs.CreateDbContext();
            // The adapter reports from its own thread: a small synchronous write keeps the order of reports.
            db.Promotions.Where(p => p.CandidateId == candidateId).ExecuteUpdate(s => s
                .SetProperty(p => p.BytesCopied, value.BytesCopied).SetProperty(p => p.BytesTotal, value.BytesTotal)
                .SetProperty(p => p.BlobsCopied, value.BlobsCopied).SetProperty(p => p.BlobsTotal, value.BlobsTotal));
            changes.Published(candidateId);
        }
    }
}
