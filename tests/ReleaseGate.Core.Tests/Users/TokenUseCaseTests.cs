using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Tests;

/// <summary>The token use cases on a real database with a fake clock: expiry, throttled last use, who may revoke.</summary>
public sealed class TokenUseCaseTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-30T08:00:00Z");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestDatabase dbs = null!;
    private readonly FakeTimeProvider time = new(Now);

    public async ValueTask InitializeAsync()
    {
        dbs = await TestDatabase.CreateAsync();
        dbs.WithUser("qa@example.com", Roles.QA).WithUser("other@example.com", Roles.QA).WithUser("admin@example.com", Roles.Admin);
    }

    public ValueTask DisposeAsync() => dbs.DisposeAsync();

    private async Task<TokenCreated> CreateAsync(string owner, int? days = null) =>
        (await new CreateToken(dbs, time).RunAsync(owner, owner, "script", days, [TokenScopes.Read], Ct)).Value!;

    private async Task<DateTimeOffset?> LastUsedAsync(Guid id)
    {
        await using var db = dbs.CreateDbContext();
        return (await db.PersonalAccessTokens.SingleAsync(t => t.Id == id, Ct)).LastUsedAt;
    }

    [Fact]
    public async Task A_token_works_until_its_expiry_and_not_after()
    {
        var token = await CreateAsync("qa@example.com", days: 7);
        var check = new CheckToken(dbs, time);

        Assert.Equal("qa@example.com", (await check.RunAsync(token.Token, Ct)).Value!.UserName);
        time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(RefusalCode.UnknownActor, (await check.RunAsync(token.Token, Ct)).Refusal!.Code);
    }

    [Fact]
    public async Task Last_use_is_noted_at_most_once_a_minute()
    {
        var token = await CreateAsync("qa@example.com");
        var check = new CheckToken(dbs, time);

        await check.RunAsync(token.Token, Ct);
        Assert.Equal(Now, await LastUsedAsync(token.Id));
        time.Advance(TimeSpan.FromSeconds(30));
        await check.RunAsync(token.Token, Ct);
        Assert.Equal(Now, await LastUsedAsync(token.Id));
        time.Advance(TimeSpan.FromSeconds(31));
        await check.RunAsync(token.Token, Ct);
        Assert.Equal(Now.AddSeconds(61), await LastUsedAsync(token.Id));
    }

    [Fact]
    public async Task Only_the_owner_or_an_admin_may_revoke()
    {
        var token = await CreateAsync("qa@example.com");
        var revoke = new RevokeToken(dbs, time);

        Assert.Equal(RefusalCode.MissingRole, (await revoke.RunAsync(token.Id, "other@example.com", Ct)).Refusal!.Code);
        Assert.False((await revoke.RunAsync(token.Id, "admin@example.com", Ct)).IsRefused);
        Assert.True((await new CheckToken(dbs, time).RunAsync(token.Token, Ct)).IsRefused);
        await using var db = dbs.CreateDbContext();
        Assert.Equal("admin@example.com", (await db.PersonalAccessTokens.SingleAsync(Ct)).RevokedBy);
        Assert.Contains(await db.AuditEvents.ToListAsync(Ct), a => a.Action == "token.revoked" && a.Actor == "admin@example.com");
    }

    [Fact]
    public async Task A_person_makes_tokens_only_for_themselves_and_the_command_line_for_anyone()
    {
        var forOther = await new CreateToken(dbs, time).RunAsync("qa@example.com", "other@example.com", "sneaky", null, [TokenScopes.Read], Ct);
        var byCli = await new CreateToken(dbs, time).RunAsync(Acting.CommandLine, "other@example.com", "bot", null, [TokenScopes.Read], Ct);

        Assert.Equal(RefusalCode.MissingRole, forOther.Refusal!.Code);
        Assert.Equal("other@example.com", (await new CheckToken(dbs, time).RunAsync(byCli.Value!.Token, Ct)).Value!.UserName);
        var mine = await new ListTokens(dbs, time).RunAsync("other@example.com", everyone: false, Ct);
        Assert.Equal("bot", Assert.Single(mine.Value!).Name);
        Assert.Equal(RefusalCode.MissingRole, (await new ListTokens(dbs, time).RunAsync("qa@example.com", everyone: true, Ct)).Refusal!.Code);
    }
}
