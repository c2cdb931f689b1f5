using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>A token made: the secret is in this answer and nowhere else.</summary>
public sealed record TokenCreated(Guid Id, string Name, string Token, DateTimeOffset ExpiresAt);

/// <summary>A person makes a token for themselves; the operator's command line may make one for anyone.</summary>
public sealed class CreateToken(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    public async Task<Outcome<TokenCreated>> RunAsync(Acting by, string ownerUserName, string name, int? expiresDays, CancellationToken ct = default)
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
        var days = expiresDays ?? PersonalAccessToken.DefaultDays;
        var problems = new List<FieldProblem>();
        if (name.Length is 0 or > 100)
            problems.Add(new("name", "must be 1 to 100 characters.", "必须为 1 到 100 个字符。"));
        if (days is < 1 or > PersonalAccessToken.MaxDays)
            problems.Add(new("expiresDays", $"must be between 1 and {PersonalAccessToken.MaxDays} days.", $"必须在 1 到 {PersonalAccessToken.MaxDays} 天之间。"));
        if (problems.Count > 0) return new Refusal(RefusalCode.Invalid, problems);

        var secret = PersonalAccessToken.NewSecret();
        var token = new PersonalAccessToken
        {
            UserId = owner.UserId, Name = name, Hash = PersonalAccessToken.HashOf(secret), Prefix = PersonalAccessToken.PrefixOf(secret),
            CreatedAt = now, ExpiresAt = now.AddDays(days),
        };
        db.PersonalAccessTokens.Add(token);
        db.AuditEvents.Add(AuditEvent.ByActor(now, actor, "token.created", owner.Email ?? owner.UserName, $"{token.Prefix}… \"{name}\", expires {token.ExpiresAt:O}"));
        await db.SaveChangesAsync(ct);
        return new TokenCreated(token.Id, name, secret, token.ExpiresAt);
    }
}
