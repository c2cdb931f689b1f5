using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Releases;

/// <summary>An admin removes a service from the Swarm, typing its name to confirm (production stops serving it); audited.</summary>
public sealed class RemoveService(IDbContextFactory<ReleaseGateDb> dbs, ISwarm swarm, TimeProvider time)
{
    public async Task<Outcome<Done>> RunAsync(string service, string typedName, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.RemoveService, ct)).Refusal is { } refused) return refused;
        if (!string.Equals(typedName?.Trim(), service, StringComparison.Ordinal))
            return new Refusal(RefusalCode.Invalid, "confirmation", $"Type the service's name '{service}' to confirm.", $"请输入服务名称 '{service}' 以确认。");
        try
        {
            if (await swarm.InspectAsync(service, ct) is not { } before)
                return new Refusal(RefusalCode.NotFound, "", $"There is no service '{service}'.", $"服务 '{service}' 不存在。");
            if (!await ServiceOwnership.IsManagedAsync(db, before, ct)) return ServiceOwnership.NotManaged(service, "remove", "删除");
            await swarm.RemoveAsync(service, ct);
            db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "swarm.remove", service, before.Image));
        }
        catch (SwarmException e)
        {
            return ScaleService.SwarmRefusal(e);
        }
        await db.SaveChangesAsync(ct);
        return new Done();
    }
}
