using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace ReleaseGate.Core.Users;

public abstract record AccountOutcome
{
    /// <summary>Done; a password made for the person is shown to the admin once and kept nowhere.</summary>
    public sealed record Done(string? TemporaryPassword = null) : AccountOutcome;
    public sealed record Refused(FieldProblem Problem) : AccountOutcome;
}

/// <summary>What the account use cases share: a password people can type, and the last-admin rule.</summary>
internal static class PortalPeople
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

    public static AccountOutcome.Refused Refuse(string field, string en, string zh) => new(new FieldProblem(field, en, zh));

    public static AccountOutcome.Refused FromIdentity(IdentityResult result) =>
        Refuse("", string.Join(" ", result.Errors.Select(e => e.Description)), string.Join(" ", result.Errors.Select(e => e.Description)));
}
