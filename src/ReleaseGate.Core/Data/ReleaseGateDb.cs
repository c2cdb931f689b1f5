using System.Text.Json;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Development;
using ReleaseGate.Core.Integrations;
using ReleaseGate.Core.Mail;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Data;

/// <summary>The portal's whole state: the DbContext is the unit of work, no repositories on top.</summary>
public class ReleaseGateDb(DbContextOptions<ReleaseGateDb> options) : IdentityDbContext<PortalUser>(options)
{
    // One writer at a time extends the audit chain, so two saves never link to the same previous row: in this
    // process by the semaphore, across replicas on PostgreSQL by a lock the server holds until the save commits.
    private static readonly SemaphoreSlim AuditChain = new(1, 1);
    private const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";
    // The chain's advisory lock key: "RGAUDIT" in ASCII, a constant no other lock of ours uses.
    private const string LockAuditChainSql = "SELECT pg_advisory_xact_lock(23159294019258708)";

    public DbSet<Application> Applications => Set<Application>();
    public DbSet<Candidate> Candidates => Set<Candidate>();
    public DbSet<CandidateEvent> CandidateEvents => Set<CandidateEvent>();
    public DbSet<SignOff> SignOffs => Set<SignOff>();
    public DbSet<ReleaseWindow> ReleaseWindows => Set<ReleaseWindow>();
    public DbSet<Freeze> Freezes => Set<Freeze>();
    public DbSet<CutoffOverride> CutoffOverrides => Set<CutoffOverride>();
    public DbSet<CutoffRun> CutoffRuns => Set<CutoffRun>();
    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();
    public DbSet<Promotion> Promotions => Set<Promotion>();
    public DbSet<Release> Releases => Set<Release>();
    public DbSet<Rollout> Rollouts => Set<Rollout>();
    public DbSet<DevelopmentDeployment> DevelopmentDeployments => Set<DevelopmentDeployment>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<Integration> Integrations => Set<Integration>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<DataProtectionKeyRow> DataProtectionKeys => Set<DataProtectionKeyRow>();
    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();
    public DbSet<SeenSignature> SeenSignatures => Set<SeenSignature>();

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // SQLite cannot compare or order DateTimeOffset: store UTC ticks, which order correctly everywhere.
        conventions.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        conventions.Properties<CandidatePhase>().HaveConversion<string>().HaveMaxLength(32);
        conventions.Properties<SignOffDecision>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<ReleaseKind>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<ReleaseOutcome>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<ActorKind>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<RolloutFailureAction>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<RolloutOrder>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<DevelopmentState>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);

        model.Entity<Application>(e =>
        {
            e.HasIndex(a => a.Slug).IsUnique();
            e.Property(a => a.ConcurrencyToken).IsConcurrencyToken();
            e.OwnsOne(a => a.TestEnvironment, t =>
                t.Property(x => x.EnvironmentVariables).HasConversion(Json<Dictionary<string, string>>(), JsonComparer<Dictionary<string, string>>()));
            // Optional: null columns for an application without one; the container name tells a declared one apart.
            e.OwnsOne(a => a.Development, t =>
            {
                t.Property(x => x.ContainerName).IsRequired();
                t.Property(x => x.EnvironmentVariables).HasConversion(Json<Dictionary<string, string>>(), JsonComparer<Dictionary<string, string>>());
            });
            // Defaults for the rows that existed before these columns; the sentinels make EF always write the value itself.
            e.OwnsOne(a => a.Rollout, r => r.Property(x => x.TimeoutSeconds).HasDefaultValue(600).HasSentinel(int.MinValue));
            e.OwnsOne(a => a.Swarm, s =>
            {
                s.Property(x => x.Replicas).HasDefaultValue(1).HasSentinel(int.MinValue);
                s.Property(x => x.StopGracePeriodSeconds).HasDefaultValue(10).HasSentinel(int.MinValue);
                s.Property(x => x.EnvironmentVariables).HasConversion(Json<Dictionary<string, string>>(), JsonComparer<Dictionary<string, string>>()).HasDefaultValueSql("'{}'");
                s.Property(x => x.PublishedPorts).HasConversion(Json<List<string>>(), JsonComparer<List<string>>()).HasDefaultValueSql("'[]'");
            });
        });

        model.Entity<Candidate>(e =>
        {
            e.HasOne(c => c.Application).WithMany().HasForeignKey(c => c.ApplicationId);
            e.Property(c => c.Changes).HasConversion(Json<List<CommitChange>>(), JsonComparer<List<CommitChange>>());
            e.Property(c => c.ConcurrencyToken).IsConcurrencyToken();
            e.HasMany(c => c.Events).WithOne().HasForeignKey(x => x.CandidateId);
            e.HasMany(c => c.SignOffs).WithOne().HasForeignKey(x => x.CandidateId);
            e.HasIndex(c => new { c.ApplicationId, c.RegisteredAt });
            e.HasIndex(c => new { c.ApplicationId, c.Phase });
            // The candidate list pages through every application's candidates, newest first.
            e.HasIndex(c => c.RegisteredAt);
            e.HasIndex(c => c.Version);
            e.HasIndex(c => c.Commit);
        });
        model.Entity<CandidateEvent>(e =>
        {
            e.HasIndex(x => new { x.CandidateId, x.At });
            e.Property(x => x.Fields).HasConversion(Json<EventFields>(), JsonComparer<EventFields>()).HasDefaultValueSql("'{}'");
        });
        model.Entity<SignOff>().HasIndex(x => new { x.CandidateId, x.User });

        // One override per cutoff, and one run per (kind, window, cutoff): a cutoff fired twice acts once.
        model.Entity<CutoffOverride>().HasIndex(o => new { o.WindowId, o.CutoffAt }).IsUnique();
        model.Entity<CutoffRun>().HasIndex(r => new { r.Kind, r.WindowId, r.CutoffAt }).IsUnique();
        model.Entity<CalendarFeed>().HasIndex(f => f.TokenHash).IsUnique();
        model.Entity<Promotion>(e =>
        {
            e.HasKey(p => p.CandidateId);
            e.HasOne<Candidate>().WithOne().HasForeignKey<Promotion>(p => p.CandidateId);
        });

        model.Entity<Release>(e =>
        {
            e.HasIndex(r => new { r.ApplicationId, r.StartedAt });
            e.HasOne<Application>().WithMany().HasForeignKey(r => r.ApplicationId);
        });

        model.Entity<Rollout>(e =>
        {
            e.HasKey(r => r.ReleaseId);
            e.HasOne<Release>().WithOne().HasForeignKey<Rollout>(r => r.ReleaseId);
            e.Property(r => r.Tasks).HasConversion(Json<List<RolloutTask>>(), JsonComparer<List<RolloutTask>>());
        });

        model.Entity<DevelopmentDeployment>(e =>
        {
            e.HasKey(d => d.ApplicationId);
            e.HasOne(d => d.Application).WithOne().HasForeignKey<DevelopmentDeployment>(d => d.ApplicationId).OnDelete(DeleteBehavior.Cascade);
            e.Property(d => d.ConcurrencyToken).IsConcurrencyToken();
        });

        model.Entity<AuditEvent>(e =>
        {
            e.HasIndex(a => a.Sequence).IsUnique();
            e.HasIndex(a => a.At);
        });
        model.Entity<AuditCheckpoint>(e =>
        {
            // One checkpoint per row: two replicas (or two stops) anchoring the same head, the second insert is refused.
            e.HasIndex(c => c.Sequence).IsUnique();
            e.Property(c => c.Hash).HasMaxLength(64);
            e.Property(c => c.Mac).HasMaxLength(64);
        });

        model.Entity<OutboxMessage>().HasIndex(m => new { m.SentAt, m.NextAttemptAt });
        model.Entity<Integration>(e =>
        {
            e.HasIndex(i => i.KeyId).IsUnique();
            // Keys made before application sets speak for none until an admin names theirs.
            e.Property(i => i.Applications).HasConversion(Json<List<string>>(), JsonComparer<List<string>>()).HasDefaultValueSql("'[]'");
        });
        model.Entity<IdempotencyRecord>().HasKey(r => new { r.KeyId, r.Key });
        model.Entity<PersonalAccessToken>(e =>
        {
            e.HasIndex(t => t.Hash).IsUnique();
            e.HasIndex(t => t.UserId);
            e.HasOne<PortalUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
            e.Property(t => t.Hash).HasMaxLength(64);
            e.Property(t => t.Prefix).HasMaxLength(16);
            e.Property(t => t.Name).HasMaxLength(100);
            // Tokens made before scopes keep what they were used for, short of administering (TokenScopes.Legacy).
            e.Property(t => t.Scopes).HasConversion(Json<List<string>>(), JsonComparer<List<string>>()).HasDefaultValueSql("'[\"read\",\"sign-off\",\"release\"]'");
        });
        model.Entity<IdempotencyRecord>().HasIndex(r => r.CreatedAt);
        model.Entity<SeenSignature>(e =>
        {
            e.HasKey(x => x.Hash);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.HasIndex(x => x.SignedAt);
        });
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        var audit = ChangeTracker.Entries<AuditEvent>()
            .Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (audit.Count == 0)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);

        // SQLite: one writer anyway, the semaphore orders this process's saves. PostgreSQL: the database lock alone,
        // which orders every replica's saves (and this process's too).
        var postgres = Database.ProviderName == PostgresProvider;
        if (!postgres) await AuditChain.WaitAsync(ct);
        try
        {
            await using var own = await LockAuditChainAsync(ct);
            var last = await AuditEvents.OrderByDescending(a => a.Sequence)
                .Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(ct);
            var (sequence, hash) = (last?.Sequence ?? 0, last?.Hash ?? "");
            foreach (var row in audit)
            {
                row.Seal(++sequence, hash);
                hash = row.Hash;
            }
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
            if (own is not null) await own.CommitAsync(ct);
            return saved;
        }
        finally
        {
            if (!postgres) AuditChain.Release();
        }
    }

    /// <summary>
    /// On PostgreSQL, takes the chain's transaction-scoped advisory lock before the last row is read, so another
    /// replica's save waits until ours commits. Returns the transaction it opened (null when the caller's is used,
    /// or on SQLite, whose single writer and the semaphore already serialise the chain).
    /// </summary>
    private async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction?> LockAuditChainAsync(CancellationToken ct)
    {
        if (Database.ProviderName != PostgresProvider) return null;
        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(ct) : null;
        await Database.ExecuteSqlRawAsync(LockAuditChainSql, ct);
        return own;
    }

    private static Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T, string> Json<T>() where T : new() => new(
        v => JsonSerializer.Serialize(v, JsonOptions),
        s => JsonSerializer.Deserialize<T>(s, JsonOptions) ?? new T());

    // Compared by their JSON, so an edit inside the collection is saved like a replacement.
    private static ValueComparer<T> JsonComparer<T>() where T : new() => new(
        (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
        v => JsonSerializer.Serialize(v, JsonOptions).GetHashCode(),
        v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, JsonOptions), JsonOptions) ?? new T());

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed class UtcTicksConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}
