using ReleaseGate.Core.Access;
using ReleaseGate.Core.Users;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Deployments;

namespace ReleaseGate.Core.Candidates;

/// <summary>What Jenkins offers: an image of an application in the staging registry, already parsed.</summary>
public sealed record CandidateRegistration(
    string Application, string Repository, string Tag, string? Digest, string Commit, string Branch,
    int BuildNumber, string BuildUrl, string SubmittedBy, IReadOnlyList<CommitChange> Changes);

/// <summary>The candidate Jenkins registered; not new when the same image of the same build already was one.</summary>
public sealed record Registration(Candidate Candidate, bool IsNew);

/// <summary>Accepts a candidate: its digest is resolved from the staging registry and fixed for good.</summary>
public sealed class RegisterCandidate(IDbContextFactory<ReleaseGateDb> dbs, IImageRegistry registry, IDeploymentQueue deployments, ICandidateChanges changes, TimeProvider time)
{
    public async Task<Outcome<Registration>> RunAsync(CandidateRegistration request, string integrationKeyId, CancellationToken ct = default)
    {
        using var span = Telemetry.Start("register");
        span?.SetTag("releasegate.application", request.Application);
        var outcome = span.Ended(await RegisterAsync(request, integrationKeyId, ct));
        if (outcome.Value is { } done) span?.SetTag("releasegate.candidate.id", done.Candidate.Id.ToString()).SetTag("releasegate.candidate.new", done.IsNew);
        return outcome;
    }

    private async Task<Outcome<Registration>> RegisterAsync(CandidateRegistration request, string integrationKeyId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await Actor.CheckIntegrationAsync(db, integrationKeyId, PortalAction.RegisterCandidate, request.Application, ct) is { } refused) return refused;
        var app = await db.Applications.SingleOrDefaultAsync(a => a.Slug == request.Application, ct);
        if (app is null)
            return new Refusal(RefusalCode.UnknownApplication, "application", $"There is no application '{request.Application}'.", $"没有名为 '{request.Application}' 的应用。");
        var resolved = await StagingImage.ResolveAsync(registry, app, request.Repository, request.Tag, request.Digest, ct);
        if (resolved.Refusal is { } wrongImage) return wrongImage;
        var served = resolved.Value!;

        var existing = await db.Candidates.Include(c => c.Application)
            .Where(c => c.ApplicationId == app.Id && c.Digest == served && c.Version == request.Tag && c.BuildNumber == request.BuildNumber)
            .OrderByDescending(c => c.RegisteredAt).FirstOrDefaultAsync(ct);
        if (existing is not null && !existing.Phase.IsTerminal())
            return new Registration(existing, IsNew: false);

        var now = time.GetUtcNow();
        var candidate = new Candidate
        {
            ApplicationId = app.Id, Application = app, Version = request.Tag, Digest = served, Commit = request.Commit,
            Branch = request.Branch, BuildNumber = request.BuildNumber, BuildUrl = request.BuildUrl,
            SubmittedBy = request.SubmittedBy, Changes = [.. request.Changes], RegisteredAt = now,
        };
        candidate.Record(now, CandidateEventKinds.Of(CandidatePhase.Registered), integrationKeyId,
            $"Build {request.BuildNumber} registered {request.Repository}:{request.Tag} ({served}).",
            new() { ["build"] = request.BuildNumber.ToString(), ["image"] = $"{request.Repository}:{request.Tag}", ["digest"] = served });
        db.Candidates.Add(candidate);

        // A newer candidate takes the place of older ones that have not reached the gate yet.
        var older = await db.Candidates
            .Where(c => c.ApplicationId == app.Id && c.Id != candidate.Id)
            .Where(c => PhaseTable.Supersedable.Contains(c.Phase))
            .ToListAsync(ct);
        foreach (var old in older)
        {
            old.MoveTo(CandidatePhase.Superseded, now, "system", $"Superseded by {candidate.Version} (build {candidate.BuildNumber}).", SupersededBy(candidate));
            db.AuditEvents.Add(AuditEvent.BySystem(now, "candidate.superseded", $"{app.Slug} {old.Version}", $"by {candidate.Id}"));
        }

        db.AuditEvents.Add(AuditEvent.ByIntegration(now, integrationKeyId, "candidate.registered", $"{app.Slug} {candidate.Version}",
            JsonSerializer.Serialize(new { candidate.Id, candidate.Digest, request.BuildNumber, request.Commit })));
        await SaveSupersedingAsync(db, now, ct);
        foreach (var id in older.Select(o => o.Id).Append(candidate.Id)) changes.Published(id);
        // After the save: a lost enqueue is caught up at the next start (candidates left Registered).
        await deployments.EnqueueAsync(candidate.Id, app.Slug, ct);
        return new Registration(candidate, IsNew: true);
    }

    private static EventFields SupersededBy(Candidate newer) => new() { ["version"] = newer.Version, ["build"] = newer.BuildNumber.ToString() };

    /// <summary>
    /// An older candidate's deployment job may move it on (progress, test URL) between our read and our write:
    /// take its new state and supersede it again, rather than failing the registration.
    /// </summary>
    private static async Task SaveSupersedingAsync(ReleaseGateDb db, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException e) when (attempt < 5)
            {
                foreach (var entry in e.Entries.Where(x => x.Entity is Candidate))
                {
                    var old = (Candidate)entry.Entity;
                    var superseded = old.Events.Last(x => x.Kind == CandidateEventKinds.Of(CandidatePhase.Superseded));
                    foreach (var pending in old.Events.Where(x => db.Entry(x).State == EntityState.Added).ToList())
                    {
                        db.Entry(pending).State = EntityState.Detached;
                        old.Events.Remove(pending);
                    }
                    await entry.ReloadAsync(ct);
                    if (PhaseTable.Allows(old.Phase, CandidatePhase.Superseded))
                        old.MoveTo(CandidatePhase.Superseded, now, "system", superseded.Message, superseded.Fields);
                }
            }
        }
    }
}
