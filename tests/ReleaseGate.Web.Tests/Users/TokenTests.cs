using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Tests;

/// <summary>Personal access tokens against the real portal: every request checks the token and its owner in the database.</summary>
public class TokenTests(PeoplePortal portal) : IClassFixture<PeoplePortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    [Fact]
    public async Task A_created_token_calls_the_api_as_its_owner_and_notes_its_last_use()
    {
        var token = await portal.PersonWithTokenAsync("token.qa@example.com", Roles.QA);
        Assert.StartsWith("rgp_", token);
        Assert.True(token.Length >= 4 + 43);

        var me = await portal.As(token).GetAsync("/api/v1/me", Ct);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await JsonOf(me);
        Assert.Equal("token.qa@example.com", body.GetProperty("email").GetString());
        Assert.Equal(["QA"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        await using var db = portal.CreateDb();
        var row = await db.PersonalAccessTokens.SingleAsync(t => t.Hash == PersonalAccessToken.HashOf(token), Ct);
        Assert.NotNull(row.LastUsedAt);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_with_401()
    {
        var token = await portal.PersonWithTokenAsync("token.revoked@example.com", Roles.QA);
        Assert.Equal(HttpStatusCode.OK, (await portal.As(token).GetAsync("/api/v1/me", Ct)).StatusCode);
        await using (var db = portal.CreateDb())
        {
            var id = await db.PersonalAccessTokens.Where(t => t.Hash == PersonalAccessToken.HashOf(token)).Select(t => t.Id).SingleAsync(Ct);
            using var scope = portal.Services.CreateScope();
            Assert.False((await scope.ServiceProvider.GetRequiredService<RevokeToken>().RunAsync(id, "token.revoked@example.com", Ct)).IsRefused);
        }

        var response = await portal.As(token).GetAsync("/api/v1/me", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task An_expired_token_is_refused_with_401()
    {
        var token = await portal.PersonWithTokenAsync("token.expired@example.com", Roles.QA);
        await using (var db = portal.CreateDb())
            await db.PersonalAccessTokens.Where(t => t.Hash == PersonalAccessToken.HashOf(token))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, (await portal.As(token).GetAsync("/api/v1/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_disabled_owner_is_refused_with_401_at_once()
    {
        var token = await portal.PersonWithTokenAsync("token.leaver@example.com", Roles.QA);
        var client = portal.As(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me", Ct)).StatusCode);

        await portal.DisableAsync("token.leaver@example.com");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/candidates", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_made_up_token_and_no_token_are_refused_with_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await portal.As("rgp_" + new string('x', 43)).GetAsync("/api/v1/me", Ct)).StatusCode);
        var none = await portal.CreateClient().GetAsync("/api/v1/applications", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Authorization", (await JsonOf(none)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_token_is_stored_only_as_its_hash()
    {
        var token = await portal.PersonWithTokenAsync("token.hashed@example.com", Roles.QA);

        await using var connection = new SqliteConnection($"Data Source={portal.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM PersonalAccessTokens";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var cells = new List<string>();
        while (await reader.ReadAsync(Ct))
            for (var i = 0; i < reader.FieldCount; i++) cells.Add(Convert.ToString(reader.GetValue(i)) ?? "");
        Assert.NotEmpty(cells);
        Assert.DoesNotContain(cells, c => c.Contains(token[4..]));
        Assert.Contains(PersonalAccessToken.HashOf(token), cells);
        // Nor anywhere else: not in the audit trail, not in the file.
        await using var db = portal.CreateDb();
        Assert.DoesNotContain(await db.AuditEvents.Select(a => a.Details).ToListAsync(Ct), d => d.Contains(token[4..]));
    }

    [Fact]
    public async Task Expiry_above_365_days_is_refused_naming_the_field()
    {
        await portal.CreateUserAsync("token.long@example.com", Roles.QA);
        using var scope = portal.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CreateToken>().RunAsync("token.long@example.com", "token.long@example.com", "ci", 366, ReleaseGate.Core.Access.TokenScopes.Legacy, Ct);
        Assert.Equal("expiresDays", outcome.Refusal!.Field);
        var created = await scope.ServiceProvider.GetRequiredService<CreateToken>().RunAsync("token.long@example.com", "token.long@example.com", "ci", null, ReleaseGate.Core.Access.TokenScopes.Legacy, Ct);
        Assert.InRange(created.Value!.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(89.9), TimeSpan.FromDays(90));
    }
}
