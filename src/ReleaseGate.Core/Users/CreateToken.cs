using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>A token made: the secret is in this answer and nowhere else.</summary>
public sealed record TokenCreated(Guid Id, string Name, string Token, DateTimeOffset ExpiresAt, IReadOnlyList<string> Scopes);

/// <summary>
/// A person makes a token for themselves, with the scopes it needs; the operator's command line may make one for anyone.
/// A token that may administer lasts at most 30 days; a person holds at most 20 live tokens; a token cannot make a token
/// with more scopes than its own.
/// </summary>
public sealed class CreateToken(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<Outcome<TokenCreated>> RunAsync(Acting by, string ownerUserName, string name, int? expiresDays,
        IReadOnlyCollection<string> scopes, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var resolved = await Actor.ResolveAsync(db, by, now, ct);
        if (resolved.Refusal is { } refusal) return refusal;
        var actor = resolved.Value!;
        var ownerResolved = actor.Is(ownerUserName) ? resolved : await Actor.ResolveAsync(db, ownerUserName, now, ct);
        if (ownerResolved.Refusal is { } ownerRefusal) return ownerRefusal;
        var owner = ownerResolved.Value!;
        if (!actor.IsCommandLine && owner.UserId != actor.UserId)
            return new Refusal(RefusalCode.MissingRole, "", "A token can only be made by its owner.", "令牌只能由其所有者创建。");

        name = name.Trim();
        var chosen = scopes.Select(s => s.Trim().ToLowerInvariant()).Distinct().ToList();
        var admin = chosen.Contains(TokenScopes.Admin);
        var maxDays = admin ? TokenScopes.AdminMaxDays : PersonalAccessToken.MaxDays;
        var days = expiresDays ?? Math.Min(PersonalAccessToken.DefaultDays, maxDays);
        var problems = new List<FieldProblem>();
        if (name.Length is 0 or > 100)
            problems.Add(new("name", "must be 1 to 100 characters.", "必须为 1 到 100 个字符。"));
        if (chosen.Count == 0 || chosen.Except(TokenScopes.All).Any())
            problems.Add(new("scopes", $"must name one or more of {string.Join(", ", TokenScopes.All)}.", $"必须是 {string.Join("、", TokenScopes.All)} 中的一个或多个。"));
        if (days is < 1 || days > maxDays)
            problems.Add(admin
                ? new("expiresDays", $"must be between 1 and {maxDays} days for a token with the admin scope.", $"具有 admin 范围的令牌必须在 1 到 {maxDays} 天之间。")
                : new("expiresDays", $"must be between 1 and {maxDays} days.", $"必须在 1 到 {maxDays} 天之间。"));
        if (problems.Count > 0) return new Refusal(RefusalCode.Invalid, problems);
        if (TokenScopes.OfThisCall is { } own && chosen.Except(own).Any())
            return TokenScopes.Uncovered(own, "making a token with the scopes " + string.Join(", ", chosen));
        var live = await db.PersonalAccessTokens.CountAsync(t => t.UserId == owner.UserId && t.RevokedAt == null && t.ExpiresAt > now, ct);
        if (live >= PersonalAccessToken.MaxLivePerPerson)
            return new Refusal(RefusalCode.Invalid, "name", $"{owner.Email ?? owner.UserName} already holds {live} live tokens, the most allowed; revoke one first.",
                $"{owner.Email ?? owner.UserName} 已持有 {live} 个有效令牌,已达上限;请先吊销一个。");

        var secret = PersonalAccessToken.NewSecret();
        var token = new PersonalAccessToken
        {
            UserId = owner.UserId, Name = name, Hash = PersonalAccessToken.HashOf(secret), Prefix = PersonalAccessToken.PrefixOf(secret),
            CreatedAt = now, ExpiresAt = now.AddDays(days), Scopes = [.. TokenScopes.All.Where(chosen.Contains)],
        };
        db.PersonalAccessTokens.Add(token);
        db.AuditEvents.Add(AuditEvent.ByActor(now, actor, "token.created", owner.Email ?? owner.UserName, $"{token.Prefix}… \"{name}\", scopes {string.Join(",", token.Scopes)}, expires {token.ExpiresAt:O}"));
        await db.SaveChangesAsync(ct);
        return new TokenCreated(token.Id, name, secret, token.ExpiresAt, token.Scopes);
    }
}
