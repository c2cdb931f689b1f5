using System.Security.Cryptography;
using System.Text;

namespace ReleaseGate.Core.Users;

/// <summary>
/// A person's token for the API (<c>rgp_…</c>). Only its SHA-256 is kept: the token itself is shown once, at creation.
/// It acts with its owner's roles as they are at each call, only for what its scopes cover, and stops at its expiry, its
/// revocation, the owner's disabling or a reset of the owner's password.
/// </summary>
public sealed class PersonalAccessToken
{
    public const string Scheme = "rgp_";
    public const int DefaultDays = 90;
    public const int MaxDays = 365;
    /// <summary>Live tokens one person may hold: enough for every script, few enough that a forgotten one is noticed.</summary>
    public const int MaxLivePerPerson = 20;

    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string UserId { get; init; }
    public required string Name { get; init; }
    /// <summary>Lower-case hex SHA-256 of the whole token.</summary>
    public required string Hash { get; init; }
    /// <summary>The first characters, so a person can tell their tokens apart; not enough to use one.</summary>
    public required string Prefix { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    /// <summary>Of <see cref="Access.TokenScopes.All"/>.</summary>
    public List<string> Scopes { get; init; } = [];

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;

    /// <summary>32 random bytes, base64url: 256 bits that cannot be guessed, safe in a header and a shell.</summary>
    public static string NewSecret() => Scheme + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Ends every live token of the person (a password reset, a disabling); returns how many. The caller saves.</summary>
    public static async Task<int> RevokeAllAsync(Data.ReleaseGateDb db, string userId, DateTimeOffset now, string by, CancellationToken ct)
    {
        var live = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.PersonalAccessTokens.Where(t => t.UserId == userId && t.RevokedAt == null && t.ExpiresAt > now), ct);
        foreach (var token in live) { token.RevokedAt = now; token.RevokedBy = by; }
        return live.Count;
    }

    public static string PrefixOf(string token) => token[..Math.Min(token.Length, Scheme.Length + 6)];
}
