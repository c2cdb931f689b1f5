using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Mail;

/// <summary>Sends one mail (port; MailKit fills it). Throws when the server did not take it.</summary>
public interface IMailTransport
{
    Task SendAsync(OutboxMessage message, CancellationToken ct);
}

/// <summary>
/// Sends what the outbox holds and is due. A row is marked sent right after the server took it, one
/// row at a time, so a crash re-sends at most the one mail in flight; a failure backs off and retries
/// for ever: a mail is never dropped.
/// </summary>
public sealed class SendDueMail(IDbContextFactory<ReleaseGateDb> dbs, IMailTransport transport, TimeProvider time)
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(15);

    public async Task<(int Sent, int Failed)> RunAsync(int batch = 50, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var due = await db.Outbox.Where(m => m.SentAt == null && m.NextAttemptAt <= now)
            .OrderBy(m => m.Id).Take(batch).ToListAsync(ct);
        var (sent, failed) = (0, 0);
        foreach (var message in due)
        {
            using var span = Telemetry.Start("mail.send");
            span?.SetTag("releasegate.mail.kind", message.Kind).SetTag("releasegate.mail.attempt", message.Attempts + 1);
            try
            {
                await transport.SendAsync(message, ct);
                message.SentAt = time.GetUtcNow();
                message.LastError = null;
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                message.Attempts++;
                message.LastError = e.Message;
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
                message.NextAttemptAt = time.GetUtcNow() + Backoff(message.Attempts);
                failed++;
            }
            await db.SaveChangesAsync(CancellationToken.None);
            // The server is down for every mail alike; the rest wait for the next sweep, untouched.
            if (message.SentAt is null) break;
        }
        return (sent, failed);
    }

    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks * (1L << Math.Min(attempts - 1, 20))));
}
