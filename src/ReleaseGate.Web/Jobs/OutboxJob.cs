using Quartz;
using ReleaseGate.Core.Mail;

namespace ReleaseGate.Web.Jobs;

/// <summary>Sweeps the mail outbox every few seconds; one sweep at a time across all replicas.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxJob(SendDueMail send, ILogger<OutboxJob> log) : IJob
{
    public static readonly JobKey Key = new("outbox", "mail");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var (sent, failed) = await send.RunAsync(ct: ct);
        if (sent + failed > 0) log.LogInformation("Outbox: {Sent} sent, {Failed} failed (will retry)", sent, failed);
    }
}
