using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Core.Users;

/// <summary>An admin gives a person an account and roles; the first password is made here and shown once.</summary>
public sealed class CreateAccount(UserManager<PortalUser> users, ReleaseGateDb db, TimeProvider time)
{
    public async Task<AccountOutcome> RunAsync(string email, string displayName, IReadOnlyCollection<string> roles, string admin)
    {
        email = email.Trim();
        if (!MailAddress.TryCreate(email, out _))
            return PortalPeople.Refuse("email", $"'{email}' is not a mail address.", $"'{email}' 不是有效的邮箱地址。");
        if (await users.FindByEmailAsync(email) is not null)
            return PortalPeople.Refuse("email", $"{email} already has an account.", $"{email} 已有账号。");
        if (roles.Except(Roles.All).FirstOrDefault() is { } unknown)
            return PortalPeople.Refuse("roles", $"There is no role '{unknown}'.", $"没有 '{unknown}' 这个角色。");

        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName.Trim() };
        var password = PortalPeople.TemporaryPassword();
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return PortalPeople.FromIdentity(created);
        if (roles.Count > 0 && await users.AddToRolesAsync(user, roles) is { Succeeded: false } added) return PortalPeople.FromIdentity(added);

        db.AuditEvents.Add(AuditEvent.ByUser(time.GetUtcNow(), admin, "user.created", email, "roles: " + string.Join(", ", roles.Order())));
        await db.SaveChangesAsync();
        return new AccountOutcome.Done(password);
    }
}
