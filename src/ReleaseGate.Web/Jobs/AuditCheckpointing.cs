using Microsoft.Extensions.Options;
using ReleaseGate.Core.Audit;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Jobs;

/// <summary>
/// Anchors the audit head: every 30 s a checkpoint once ReleaseGate__Audit__CheckpointEveryRows rows came since the last, and one
/// at shutdown for whatever came last. Registered before Quartz so it stops after the jobs that still audit have finished.
/// </summary>
public sealed class AuditCheckpointing(IServiceScopeFactory scopes, AuditCheckpointKey key, IOptions<AuditSettings> settings,
    TimeProvider time, ILogger<AuditCheckpointing> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private readonly Lock gate = new();
    private Task? finalCheckpoint;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!key.IsSet)
        {
            log.LogWarning("Audit checkpoints are off: set {Variable} so verify can detect a cut or rewritten audit tail",
                SettingsCheck.VariableName(AuditSettings.Section, nameof(AuditSettings.CheckpointKey)));
            return;
        }
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await WriteAsync(settings.Value.CheckpointEveryRows, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!key.IsSet) return;
        // The host may be stopped twice at once (by whoever stops it and by the entry point's own Run): one final checkpoint is
        // enough, but every stop waits for it, or the second would return while the first still writes and the host is disposed.
        Task write;
        lock (gate) write = finalCheckpoint ??= WriteAsync(1, cancellationToken);
        await write.WaitAsync(cancellationToken);
    }

    private async Task WriteAsync(int minimumRows, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<WriteAuditCheckpoint>().RunAsync(minimumRows, ct) is { } written)
                // Also in the log, which lives apart from the database: a copy of the anchor an attacker there cannot reach.
                log.LogInformation("Audit checkpoint {Id}: row {Sequence} hash {Hash}", written.Id, written.Sequence, written.Hash);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Writing the audit checkpoint failed; the next attempt comes with the next interval or at shutdown");
        }
    }
}
