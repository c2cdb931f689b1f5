using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>Who an OpenID Connect provider says signed in, and the roles their groups give.</summary>
/// <param name="Provider">The login provider's key in AspNetUserLogins (the authentication scheme).</param>
/// <param name="ProviderName">Shown in the audit trail, e.g. "GitLab".</param>
/// <param name="Subject">The provider's stable id for the person (`sub`).</param>
public sealed record ExternalIdentity(string Provider, string ProviderName, string Subject, string? Email, bool EmailVerified,
    string? Name, IReadOnlySet<string> Roles);

/// <summary>
/// A person signed in at the provider: finds their account by the provider's subject, or links the local account
/// with the same verified e-mail, or creates one (user name = e-mail, so Jenkins' submittedBy still names them).
/// Their roles become exactly what their groups say, at every sign-in (the last admin keeps Admin). A disabled account is refused.
/// </summary>
public sealed class SignInExternally(UserManager<PortalUser> users, ReleaseGateDb db, TimeProvider time)
{
    public async Task<Outcome<PortalUser>> RunAsync(ExternalIdentity who)
    {
        var now = time.GetUtcNow();
        var user = await users.FindByLoginAsync(who.Provider, who.Subject);
        var (isNew, link) = (false, user is null);
        if (user is null)
        {
            var email = who.Email?.Trim();
            if (string.IsNullOrEmpty(email) || !MailAddress.TryCreate(email, out _))
                return new Refusal(RefusalCode.Invalid, "email", $"{who.ProviderName} did not give an e-mail address; the portal needs one.",
                    $"{who.ProviderName} 没有提供电子邮箱地址,而门户需要它。");
            user = await users.FindByEmailAsync(email);
            if (user is not null && !(who.EmailVerified && user.EmailConfirmed))
                return new Refusal(RefusalCode.Invalid, "email_verified",
                    $"An account with {email} exists, but {who.ProviderName} has not verified that address, so it was not linked.",
                    $"已存在使用 {email} 的账号,但 {who.ProviderName} 未验证该地址,因此未关联。");
            isNew = user is null;
            user ??= new PortalUser { UserName = email, Email = email, EmailConfirmed = who.EmailVerified, DisplayName = who.Name?.Trim() ?? email };
        }
        if (user.LockoutEnd is { } end && end > now)
            return new Refusal(RefusalCode.AccountDisabled, "", "Your account is disabled or locked; ask an admin.", "您的账号已停用或被锁定,请联系管理员。");

        if (isNew)
        {
            // A new account has no password: the provider is how this person signs in.
            if (await users.CreateAsync(user) is { Succeeded: false } created) return UserRules.FromIdentity(created);
            db.AuditEvents.Add(AuditEvent.BySystem(now, "user.created", user.Email!, $"oidc: first sign-in with {who.ProviderName}"));
        }
        if (link && await users.AddLoginAsync(user, new UserLoginInfo(who.Provider, who.Subject, who.ProviderName)) is { Succeeded: false } linked)
            return UserRules.FromIdentity(linked);

        // Exactly what the groups say, except that the portal never loses its last enabled admin (as in ChangeUser).
        var roles = who.Roles.ToHashSet(StringComparer.Ordinal);
        var keptAdmin = !isNew && !roles.Contains(Roles.Admin) && await UserRules.IsLastAdminAsync(users, user);
        if (keptAdmin) roles.Add(Roles.Admin);
        var current = await users.GetRolesAsync(user);
        if (await users.RemoveFromRolesAsync(user, current.Except(roles)) is { Succeeded: false } removed) return UserRules.FromIdentity(removed);
        if (await users.AddToRolesAsync(user, roles.Except(current)) is { Succeeded: false } added) return UserRules.FromIdentity(added);

        db.AuditEvents.Add(AuditEvent.ByUser(now, user.UserName!, "user.signed-in", user.Email ?? user.UserName!,
            $"oidc ({who.ProviderName}{(isNew ? ", new account" : link ? ", linked to the local account" : "")}); roles: {string.Join(", ", roles.Order())}"
            + (keptAdmin ? "; Admin kept: the last admin, though the groups no longer give it" : "")));
        await db.SaveChangesAsync();
        return user;
    }
}
