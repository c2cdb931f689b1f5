using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>A live token's owner as the database knows them now, the token and what its scopes cover.</summary>
public sealed record TokenHolder(Actor Owner, Guid TokenId, IReadOnlyList<string> Scopes)
{
    public string UserName => Owner.UserName;
}

/// <summary>
/// Who a presented token acts for, checked on every call: known, not revoked, not expired, and its owner enabled
/// (an owner disabled a second ago is refused now). Notes the use at most once a minute, so reads stay reads.
/// </summary>
public sealed class CheckToken(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<Outcome<TokenHolder>> RunAsync(string presented, CancellationToken ct = default)
    {
        var refused = new Refusal(RefusalCode.UnknownActor, "Authorization", "The token is unknown, revoked or expired.", "令牌未知、已吊销或已过期。");
        if (!presented.StartsWith(PersonalAccessToken.Scheme, StringComparison.Ordinal) || presented.Length > 200) return refused;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var hash = PersonalAccessToken.HashOf(presented);
        var token = await db.PersonalAccessTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Hash == hash, ct);
        if (token is null || !token.IsActive(now)) return refused;
        var userName = await db.Users.Where(u => u.Id == token.UserId).Select(u => u.UserName).SingleOrDefaultAsync(ct);
        if (userName is null) return refused;
        var owner = await Actor.ResolveAsync(db, userName, now, ct);
        if (owner.Refusal is { } ownerRefused) return ownerRefused;

        if (token.LastUsedAt is null || now - token.LastUsedAt >= LastUsedResolution)
        {
            // A direct update: no audit row, no concurrency token; many calls at once may all write, which is harmless.
            await db.PersonalAccessTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
        return new TokenHolder(owner.Value!, token.Id, token.Scopes);
    }
}
