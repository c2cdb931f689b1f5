using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>Who an OpenID Connect provider says signed in, and the roles their groups give.</summary>
/// <param name="Grant">The provider's refresh grant, protected by the adapter, kept to re-read the groups on a schedule.</param>
public sealed record ExternalIdentity(ExternalLogin Login, string? Email, bool EmailVerified, string? Name, IReadOnlySet<string> Roles,
    string? Grant = null);

/// <summary>
/// A person signed in at the provider: finds their account by the login (issuer + subject), or creates one (user name =
/// e-mail, so Jenkins' submittedBy still names them). An existing account with the same e-mail is never taken over: whoever
/// controls a provider account with someone's address would become them. That account is linked by an admin, or by its
/// owner while signed in locally (<see cref="LinkExternalLogin"/>). Roles become exactly what the groups say, at every
/// sign-in (the last admin keeps Admin). A disabled account is refused.
/// </summary>
public sealed class SignInExternally(UserManager<PortalUser> users, ReleaseGateDb db, TimeProvider time)
{
    public async Task<Outcome<PortalUser>> RunAsync(ExternalIdentity who)
    {
        var now = time.GetUtcNow();
        var login = who.Login;
        var user = await users.FindByLoginAsync(login.Issuer, login.Subject);
        var isNew = user is null;
        if (user is null)
        {
            var email = who.Email?.Trim();
            if (string.IsNullOrEmpty(email) || !MailAddress.TryCreate(email, out _))
                return new Refusal(RefusalCode.Invalid, "email", $"{login.ProviderName} did not give an e-mail address; the portal needs one.",
                    $"{login.ProviderName} 没有提供电子邮箱地址,而门户需要它。");
            if (await users.FindByEmailAsync(email) is not null)
            {
                db.AuditEvents.Add(AuditEvent.BySystem(now, "user.sign-in-refused", email,
                    $"oidc ({login.ProviderName}): {login.Issuer} subject {login.Subject} is not linked to the existing account"));
                await db.SaveChangesAsync();
                return new Refusal(RefusalCode.NotLinked, "email",
                    $"An account with {email} already exists and is not linked to {login.ProviderName}. Sign in with its password and link {login.ProviderName} under My account, or ask an admin to link it.",
                    $"已存在使用 {email} 的账号,但它未关联 {login.ProviderName}。请用该账号的密码登录,在“我的账号”中关联 {login.ProviderName},或请管理员关联。");
            }
            user = new PortalUser { UserName = email, Email = email, EmailConfirmed = who.EmailVerified, DisplayName = who.Name?.Trim() ?? email };
        }
        if (user.LockoutEnd is { } end && end > now)
            return new Refusal(RefusalCode.AccountDisabled, "", "Your account is disabled or locked; ask an admin.", "您的账号已停用或被锁定,请联系管理员。");

        if (isNew)
        {
            // A new account has no password: the provider is how this person signs in.
            if (await users.CreateAsync(user) is { Succeeded: false } created) return UserRules.FromIdentity(created);
            if (await users.AddLoginAsync(user, new UserLoginInfo(login.Issuer, login.Subject, login.ProviderName)) is { Succeeded: false } linked)
                return UserRules.FromIdentity(linked);
            db.AuditEvents.Add(AuditEvent.BySystem(now, "user.created", user.Email!, $"oidc: first sign-in with {login.ProviderName} ({login.Issuer})"));
        }
        var applied = await ExternalLogins.ApplyRolesAsync(users, user, who.Roles, isNew);
        if (applied.Refusal is { } refused) return refused;
        await ExternalLogins.KeepGrantAsync(users, user, login.Issuer, who.Grant);

        var roles = applied.Value!;
        db.AuditEvents.Add(AuditEvent.ByUser(now, user.UserName!, "user.signed-in", user.Email ?? user.UserName!,
            $"oidc ({login.ProviderName}{(isNew ? ", new account" : "")}); roles: {string.Join(", ", roles.Roles.Order())}"
            + (roles.KeptAdmin ? "; Admin kept: the last admin, though the groups no longer give it" : "")));
        await db.SaveChangesAsync();
        return user;
    }
}
