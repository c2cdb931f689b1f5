using ReleaseGate.Core.Access;
using Microsoft.AspNetCore.Identity;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

public enum UserChange { SetRoles, ResetPassword, Disable, Enable }

/// <summary>
/// An admin changes a user: roles, a new password, or disabled (kept for the record, unable to
/// sign in). The portal never loses its last enabled admin this way.
/// </summary>
public sealed class ChangeUser(UserManager<PortalUser> users, ReleaseGateDb db, TimeProvider time)
{
    public async Task<Outcome<UserSaved>> RunAsync(string userId, UserChange change, Acting admin, IReadOnlyCollection<string>? roles = null,
        string? newPassword = null)
    {
        var resolved = await Actor.ResolveAsync(db, admin, time.GetUtcNow(), PortalAction.ManageUsers, default);
        if (resolved.Refusal is { } refusal) return refusal;
        var user = await users.FindByIdAsync(userId);
        if (user is null) return new Refusal(RefusalCode.NotFound, "", "There is no such account.", "该账号不存在。");
        var lastAdmin = await UserRules.IsLastAdminAsync(users, user);
        string? password = null;
        string details;
        switch (change)
        {
            case UserChange.SetRoles:
                var wanted = (roles ?? []).ToHashSet();
                if (wanted.Except(Roles.All).FirstOrDefault() is { } unknown)
                    return new Refusal(RefusalCode.Invalid, "roles", $"There is no role '{unknown}'.", $"没有 '{unknown}' 这个角色。");
                if (lastAdmin && !wanted.Contains(Roles.Admin))
                    return new Refusal(RefusalCode.LastAdmin, "roles", "This is the last admin: give another person the Admin role first.", "这是最后一位管理员:请先把管理员角色授予其他人。");
                var current = await users.GetRolesAsync(user);
                if (await users.RemoveFromRolesAsync(user, current.Except(wanted)) is { Succeeded: false } removed) return UserRules.FromIdentity(removed);
                if (await users.AddToRolesAsync(user, wanted.Except(current)) is { Succeeded: false } added) return UserRules.FromIdentity(added);
                await users.UpdateSecurityStampAsync(user); // open tabs and cookies of a demoted person stop at once
                details = "roles: " + string.Join(", ", wanted.Order());
                break;
            case UserChange.ResetPassword:
                // The command line may bring its own (from a file); otherwise one is made and shown once.
                password = newPassword is null ? UserRules.TemporaryPassword() : null;
                var token = await users.GeneratePasswordResetTokenAsync(user);
                if (await users.ResetPasswordAsync(user, token, newPassword ?? password!) is { Succeeded: false } reset) return UserRules.FromIdentity(reset);
                // Whoever learnt the old password may have made tokens with it: they end with it.
                details = $"password reset; {await PersonalAccessToken.RevokeAllAsync(db, user.Id, time.GetUtcNow(), resolved.Value!.UserName, default)} tokens ended";
                break;
            case UserChange.Disable:
                if (lastAdmin)
                    return new Refusal(RefusalCode.LastAdmin, "", "This is the last admin: it cannot be disabled.", "这是最后一位管理员,不能停用。");
                await users.SetLockoutEnabledAsync(user, true);
                await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
                await users.UpdateSecurityStampAsync(user); // signs the person out everywhere
                details = $"disabled; {await PersonalAccessToken.RevokeAllAsync(db, user.Id, time.GetUtcNow(), resolved.Value!.UserName, default)} tokens ended";
                break;
            default:
                await users.SetLockoutEndDateAsync(user, null);
                await users.ResetAccessFailedCountAsync(user);
                details = "enabled";
                break;
        }
        db.AuditEvents.Add(AuditEvent.ByActor(time.GetUtcNow(), resolved.Value!, "user." + change.ToString().ToLowerInvariant(), user.Email ?? user.UserName!, details));
        await db.SaveChangesAsync();
        return new UserSaved(password);
    }
}
