using System.Security.Cryptography;
using System.Text;

namespace ReleaseGate.Core.Schedule;

/// <summary>
/// A person's secret iCalendar feed of cutoffs and freezes. Calendar apps cannot send headers, so the token is the
/// address itself; only its hash is kept, and revoking it makes the address answer 404.
/// </summary>
public sealed class CalendarFeed
{
    public const string Prefix = "rgc_";

    public int Id { get; init; }
    /// <summary>The user name of the person it belongs to.</summary>
    public required string Owner { get; init; }
    /// <summary>Hex SHA-256 of the token: the token is random, so a salt adds nothing.</summary>
    public required string TokenHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }

    public static string NewToken() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
