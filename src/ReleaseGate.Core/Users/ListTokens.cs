using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

public sealed record TokenView(Guid Id, string Owner, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool Active, IReadOnlyList<string> Scopes);

/// <summary>A person's own tokens; an admin may list everyone's (owner null). Never the secrets: they are not kept.</summary>
public sealed class ListTokens(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<Outcome<IReadOnlyList<TokenView>>> RunAsync(Acting by, bool everyone, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var resolved = everyone ? await Actor.ResolveAsync(db, by, now, PortalAction.ManageUsers, ct) : await Actor.ResolveAsync(db, by, now, ct);
        if (resolved.Refusal is { } refusal) return refusal;
        var tokens = db.PersonalAccessTokens.AsNoTracking();
        if (!everyone) tokens = tokens.Where(t => t.UserId == resolved.Value!.UserId);
        var rows = await tokens.Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { t, Owner = u.Email ?? u.UserName! })
            .OrderByDescending(x => x.t.CreatedAt).ToListAsync(ct);
        return rows.Select(x => new TokenView(x.t.Id, x.Owner, x.t.Name, x.t.Prefix, x.t.CreatedAt, x.t.ExpiresAt,
            x.t.LastUsedAt, x.t.RevokedAt, x.t.IsActive(now), x.t.Scopes)).ToList();
    }
}
