using ReleaseGate.Core.Access;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace ReleaseGate.Core.Releases;

/// <summary>A release manager or an admin sets a service's replicas; audited. Swarm refuses a stale version, so no change is lost.</summary>
public sealed class ScaleService(IDbContextFactory<ReleaseGateDb> dbs, ISwarm swarm, TimeProvider time)
{
    public const int MaxReplicas = 100;

    public async Task<Outcome<Done>> RunAsync(string service, int replicas, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, actor, now, PortalAction.Scale, ct)).Refusal is { } refused) return refused;
        if (replicas is < 0 or > MaxReplicas)
            return new Refusal(RefusalCode.Invalid, "replicas", $"must be between 0 and {MaxReplicas}.", $"副本数必须在 0 到 {MaxReplicas} 之间。");
        try
        {
            if (await swarm.InspectAsync(service, ct) is not { } before)
                return new Refusal(RefusalCode.NotFound, "", $"There is no service '{service}'.", $"服务 '{service}' 不存在。");
            if (!await ServiceOwnership.IsManagedAsync(db, before, ct)) return ServiceOwnership.NotManaged(service, "scale", "伸缩");
            await swarm.ScaleAsync(service, replicas, ct);
            db.AuditEvents.Add(AuditEvent.ByUser(now, actor, "swarm.scale", service, $"{before.Desired} → {replicas}"));
        }
        catch (SwarmException e)
        {
            return SwarmRefusal(e);
        }
        await db.SaveChangesAsync(ct);
        return new Done();
    }

    internal static Refusal SwarmRefusal(SwarmException e) => e is SwarmConflictException
        ? new Refusal(RefusalCode.ChangedMeanwhile, "", $"The service changed meanwhile; look again and retry. {e.Message}", $"服务已被修改,请刷新后重试。{e.Message}")
        : new Refusal(RefusalCode.Invalid, "", e.Message, $"Swarm 拒绝了此操作:{e.Message}");
}
