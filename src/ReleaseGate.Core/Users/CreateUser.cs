using ReleaseGate.Core.Access;
using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>An admin creates a user with roles; the first password is made here and shown once (or given by the operator's command line).</summary>
public sealed class CreateUser(UserManager<PortalUser> users, ReleaseGateDb db, TimeProvider time)
{
    public async Task<Outcome<UserSaved>> RunAsync(string email, string displayName, IReadOnlyCollection<string> roles, Acting admin, string? password = null)
    {
        var resolved = await Actor.ResolveAsync(db, admin, time.GetUtcNow(), PortalAction.ManageUsers, default);
        if (resolved.Refusal is { } refusal) return refusal;
        email = email.Trim();
        if (!MailAddress.TryCreate(email, out _))
            return new Refusal(RefusalCode.Invalid, "email", $"'{email}' is not a mail address.", $"'{email}' 不是有效的邮箱地址。");
        if (await users.FindByEmailAsync(email) is not null)
            return new Refusal(RefusalCode.AlreadyExists, "email", $"{email} already has an account.", $"{email} 已有账号。");
        if (roles.Except(Roles.All).FirstOrDefault() is { } unknown)
            return new Refusal(RefusalCode.Invalid, "roles", $"There is no role '{unknown}'.", $"没有 '{unknown}' 这个角色。");

        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName.Trim() };
        var generated = password is null;
        password ??= UserRules.TemporaryPassword();
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return UserRules.FromIdentity(created);
        if (roles.Count > 0 && await users.AddToRolesAsync(user, roles) is { Succeeded: false } added) return UserRules.FromIdentity(added);

        db.AuditEvents.Add(AuditEvent.ByActor(time.GetUtcNow(), resolved.Value!, "user.created", email, "roles: " + string.Join(", ", roles.Order())));
        await db.SaveChangesAsync();
        return new UserSaved(generated ? password : null);
    }
}
