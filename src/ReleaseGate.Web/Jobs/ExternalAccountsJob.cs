using Quartz;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Jobs;

/// <summary>Every ReleaseGate__Oidc__RevalidateSeconds: the provider is asked again about everyone who signs in with it.</summary>
[DisallowConcurrentExecution] // one pass at a time, on one replica: a rotated refresh token must not be spent twice
public sealed class ExternalAccountsJob(IServiceScopeFactory scopes, ILogger<ExternalAccountsJob> log) : IJob
{
    public static readonly JobKey Key = new("external-accounts", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<RevalidateExternalAccounts>().RunAsync(ct);
        if (report.Changed + report.Gone + report.Unreachable > 0)
            log.LogInformation("Provider accounts revalidated: {Checked} checked, {Changed} roles changed, {Gone} gone, {Unreachable} not answered, {WithoutGrant} without a grant",
                report.Checked, report.Changed, report.Gone, report.Unreachable, report.WithoutGrant);
    }
}
