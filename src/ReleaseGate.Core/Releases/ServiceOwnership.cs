using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Releases;

/// <summary>
/// Which Swarm services the portal may change (scale, remove, roll out): those it labelled when it made or updated them,
/// and those an application declares. Every other service on the Swarm is someone else's: shown, never touched.
/// </summary>
public static class ServiceOwnership
{
    public static async Task<bool> IsManagedAsync(ReleaseGateDb db, SwarmServiceInfo service, CancellationToken ct) =>
        IsLabelled(service) || (await DeclaredAsync(db, ct)).Contains(service.Name);

    public static Task<List<string>> DeclaredAsync(ReleaseGateDb db, CancellationToken ct) =>
        db.Applications.Where(a => a.SwarmService != "").Select(a => a.SwarmService).ToListAsync(ct);

    public static bool IsLabelled(SwarmServiceInfo service) =>
        (service.Labels.TryGetValue(SwarmLabels.Managed, out var managed) && managed == "true") || service.Labels.ContainsKey(SwarmLabels.Legacy);

    /// <summary>The application whose rollout made the service, when the label says so.</summary>
    public static string? OwnerOf(SwarmServiceInfo service) =>
        service.Labels.TryGetValue(SwarmLabels.Application, out var slug) && slug.Length > 0 ? slug : null;

    public static Refusal NotManaged(string service, string what, string whatZh) => new(RefusalCode.NotManaged, "",
        $"The service '{service}' is not managed by ReleaseGate (no {SwarmLabels.Managed} label, and no application declares it): the portal does not {what} it.",
        $"服务 '{service}' 不由 ReleaseGate 管理(没有 {SwarmLabels.Managed} 标签,也没有应用声明它):门户不会{whatZh}它。");
}
