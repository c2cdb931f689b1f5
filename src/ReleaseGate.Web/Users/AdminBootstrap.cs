using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Users;

/// <summary>Creates the roles and, from ReleaseGate__Admin__*, the first administrator.</summary>
public sealed class AdminBootstrap(
    RoleManager<IdentityRole> roles, UserManager<PortalUser> users, IOptions<AdminSettings> settings,
    ReleaseGateDb db, TimeProvider time, ILogger<AdminBootstrap> log)
{
    public async Task RunAsync()
    {
        foreach (var role in Roles.All.Where(r => !roles.Roles.Any(x => x.Name == r)))
            Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");

        var admin = settings.Value;
        if (string.IsNullOrEmpty(admin.Email))
        {
            if (!(await users.GetUsersInRoleAsync(Roles.Admin)).Any())
                log.LogWarning("No administrator exists: set ReleaseGate__Admin__Email and ReleaseGate__Admin__Password to create one.");
            return;
        }
        // An existing account keeps its password: the variable seeds, it does not reset.
        if (await users.FindByEmailAsync(admin.Email) is not null) return;

        var user = new PortalUser { UserName = admin.Email, Email = admin.Email, EmailConfirmed = true, DisplayName = "Administrator" };
        Check(await users.CreateAsync(user, admin.ResolvePassword()!), "the first admin (ReleaseGate__Admin__Password)");
        // An admin only: they configure and create the people who test and release, and cannot approve on their own.
        Check(await users.AddToRoleAsync(user, Roles.Admin), "the first admin's role");
        db.AuditEvents.Add(AuditEvent.BySystem(time.GetUtcNow(), "user.created", admin.Email, "first admin from ReleaseGate__Admin__Email"));
        await db.SaveChangesAsync();
        log.LogInformation("Created the administrator {Email}", admin.Email);
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidSettingsException([$"Could not create {what}: " + string.Join(" ", result.Errors.Select(e => e.Description))]);
    }
}
