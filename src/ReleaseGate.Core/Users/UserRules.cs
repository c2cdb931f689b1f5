using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace ReleaseGate.Core.Users;

/// <summary>A user created or changed; a password made for them is shown to the admin once and kept nowhere.</summary>
public sealed record UserSaved(string? TemporaryPassword = null);

/// <summary>What the user use cases share: a password people can type, and the last-admin rule.</summary>
internal static class UserRules
{
    private const string Letters = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Digits = "23456789";

    /// <summary>16 characters without look-alikes (0/O, 1/l/I), with the classes Identity's policy asks for.</summary>
    public static string TemporaryPassword()
    {
        var chars = Enumerable.Range(0, 13).Select(_ => Letters[RandomNumberGenerator.GetInt32(Letters.Length)])
            .Append(Letters[RandomNumberGenerator.GetInt32(24)]) // a lower-case letter
            .Append(Letters[24 + RandomNumberGenerator.GetInt32(24)]) // an upper-case letter
            .Append(Digits[RandomNumberGenerator.GetInt32(Digits.Length)]).ToArray();
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    public static async Task<bool> IsLastAdminAsync(UserManager<PortalUser> users, PortalUser user) =>
        await users.IsInRoleAsync(user, Roles.Admin) && (await users.GetUsersInRoleAsync(Roles.Admin)).Count(u => u.LockoutEnd is null) <= 1;

    public static Refusal FromIdentity(IdentityResult result) => new(RefusalCode.Invalid, "",
        string.Join(" ", result.Errors.Select(e => e.Description)), string.Join(" ", result.Errors.Select(e => e.Description)));
}
