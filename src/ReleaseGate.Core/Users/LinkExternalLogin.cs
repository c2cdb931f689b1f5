using Microsoft.AspNetCore.Identity;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>
/// Links a provider login to an existing account, the only way one is linked: by the account's owner while signed in
/// (they have just proved the login at the provider), or by an admin (the command line included). One login, one account;
/// an account holds at most one login per provider. From then on the provider's groups decide the account's roles.
/// </summary>
public sealed class LinkExternalLogin(UserManager<PortalUser> users, ReleaseGateDb db, TimeProvider time)
{
    /// <param name="email">The account to link.</param>
    /// <param name="roles">The roles the groups give, when the link is made during a round-trip to the provider; null from an admin.</param>
    public async Task<Outcome<PortalUser>> RunAsync(Acting by, string email, ExternalLogin login, IReadOnlySet<string>? roles = null,
        string? grant = null)
    {
        var now = time.GetUtcNow();
        var resolved = await Actor.ResolveAsync(db, by, now, default);
        if (resolved.Refusal is { } refusal) return refusal;
        var actor = resolved.Value!;
        var user = await users.FindByEmailAsync(email);
        if (user is null) return new Refusal(RefusalCode.NotFound, "email", $"There is no account {email}.", $"账号 {email} 不存在。");
        var self = !actor.IsCommandLine && actor.UserId == user.Id;
        if (!self && !actor.May(PortalAction.ManageUsers))
            return new Refusal(RefusalCode.MissingRole, "", "Only the account's owner or an admin can link a provider login to it.",
                "只有账号所有者或管理员可以为其关联身份提供方登录。");
        if (string.IsNullOrWhiteSpace(login.Subject))
            return new Refusal(RefusalCode.Invalid, "subject", "Name the person's id at the provider (its `sub`).", "请填写此人在身份提供方的 ID(`sub`)。");

        var owner = await users.FindByLoginAsync(login.Issuer, login.Subject);
        if (owner is not null && owner.Id != user.Id)
            return new Refusal(RefusalCode.AlreadyExists, "subject", $"This {login.ProviderName} login is already linked to {owner.Email}.",
                $"此 {login.ProviderName} 登录已关联到 {owner.Email}。");
        var existing = (await users.GetLoginsAsync(user)).FirstOrDefault(l => l.LoginProvider == login.Issuer);
        if (existing is not null && existing.ProviderKey != login.Subject)
            return new Refusal(RefusalCode.AlreadyExists, "subject", $"{email} is already linked to another {login.ProviderName} login.",
                $"{email} 已关联另一个 {login.ProviderName} 登录。");
        if (existing is null
            && await users.AddLoginAsync(user, new UserLoginInfo(login.Issuer, login.Subject, login.ProviderName)) is { Succeeded: false } linked)
            return UserRules.FromIdentity(linked);

        var details = $"{login.ProviderName} ({login.Issuer}) subject {login.Subject}" + (self ? ", by its owner signed in locally" : "");
        if (roles is not null)
        {
            var applied = await ExternalLogins.ApplyRolesAsync(users, user, roles, isNew: false);
            if (applied.Refusal is { } refused) return refused;
            details += "; roles: " + string.Join(", ", applied.Value!.Roles.Order());
        }
        await ExternalLogins.KeepGrantAsync(users, user, login.Issuer, grant);
        db.AuditEvents.Add(AuditEvent.ByActor(now, actor, "user.login-linked", user.Email ?? user.UserName!, details));
        await db.SaveChangesAsync();
        return user;
    }
}
