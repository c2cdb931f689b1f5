using System.Threading.Channels;
using Npgsql;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Web.Components.Candidates;

namespace ReleaseGate.Web.Adapters.Postgres;

/// <summary>
/// Candidate changes across replicas on one PostgreSQL: a change is told to this replica's pages at once and sent to
/// the others with NOTIFY; a dedicated connection LISTENs and tells this replica's pages what the others published.
/// A notification is delivered only to sessions listening at that moment, so after a lost connection every open
/// page is told to reload once: whatever it missed meanwhile is then on screen.
/// </summary>
public sealed class PostgresCandidateChanges(CandidateChanges local, NpgsqlDataSource database, TimeProvider time,
    ILogger<PostgresCandidateChanges> log) : BackgroundService, ICandidateChanges
{
    public const string Channel = "releasegate_candidates";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    // Tells our own notifications apart when they come back on our LISTEN connection.
    private readonly string replica = Guid.NewGuid().ToString("N")[..12];
    private readonly Channel<Guid> outgoing = System.Threading.Channels.Channel.CreateUnbounded<Guid>(new() { SingleReader = true });

    public void Published(Guid candidateId)
    {
        local.Published(candidateId);
        outgoing.Writer.TryWrite(candidateId);
    }

    protected override Task ExecuteAsync(CancellationToken ct) => Task.WhenAll(SendAsync(ct), ListenAsync(ct));

    private async Task SendAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var id in outgoing.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await using var notify = database.CreateCommand("SELECT pg_notify(@channel, @payload)");
                    notify.Parameters.AddWithValue("channel", Channel);
                    notify.Parameters.AddWithValue("payload", $"{replica}:{id}");
                    await notify.ExecuteNonQueryAsync(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Other replicas' pages then learn of it at their next reload; this replica's were told already.
                    log.LogWarning(e, "Could not tell the other replicas that candidate {Id} changed", id);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var (backoff, connectedBefore) = (TimeSpan.FromMilliseconds(250), false);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(ct);
                connection.Notification += (_, e) => Received(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(ct);
                if (connectedBefore) local.PublishedAll();
                (backoff, connectedBefore) = (TimeSpan.FromMilliseconds(250), true);
                log.LogDebug("Listening for candidate changes of other replicas");
                while (true) await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Lost the connection that listens for other replicas' changes; again in {Delay}", backoff);
                try { await Task.Delay(backoff, time, ct); }
                catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private void Received(string payload)
    {
        var separator = payload.IndexOf(':');
        if (separator < 0 || payload.AsSpan(0, separator).SequenceEqual(replica)) return;
        if (Guid.TryParse(payload.AsSpan(separator + 1), out var id)) local.Published(id);
    }
}
