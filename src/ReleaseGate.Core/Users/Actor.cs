using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Integrations;

namespace ReleaseGate.Core.Users;

/// <summary>
/// The person a use case acts for, as the database knows them at that moment: roles, enabled or not. A page or a
/// token may remember an older state; the rules are checked against this one.
/// </summary>
public sealed record Actor(string UserId, string UserName, string? Email, IReadOnlySet<string> Roles, bool IsCommandLine = false)
{
    /// <summary>The operator's command line: an admin, audited as "cli".</summary>
    public static readonly Actor CommandLine = new("", Acting.CommandLine.Name, null, new HashSet<string> { Users.Roles.Admin }, IsCommandLine: true);

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>SubmittedBy and commit authors hold what Jenkins sent: "Name &lt;email&gt;", an e-mail or a user name.</summary>
    public bool Is(string? person) => PersonReference.Parse(person).Names(UserName, Email);

    /// <summary>The enabled account named <paramref name="acting"/>, whatever its roles: for what is a person's own (tokens, /me).</summary>
    public static Task<Outcome<Actor>> ResolveAsync(ReleaseGateDb db, Acting acting, DateTimeOffset now, CancellationToken ct) =>
        ResolveRolesAsync(db, acting, now, [], ct);

    // Private: the roles come from the permission table only (the overload taking a PortalAction).
    private static async Task<Outcome<Actor>> ResolveRolesAsync(ReleaseGateDb db, Acting acting, DateTimeOffset now,
        IReadOnlyCollection<string> anyRole, CancellationToken ct)
    {
        if (acting.IsCommandLine) return CommandLine.Allowed(anyRole);
        var userName = acting.Name;
        var normalized = userName.ToUpperInvariant();
        var user = await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized)
            .Select(u => new { u.Id, u.UserName, u.Email, u.LockoutEnd }).SingleOrDefaultAsync(ct);
        if (user is null)
            return new Refusal(RefusalCode.UnknownActor, "", $"There is no account '{userName}'; sign in again.", $"找不到账号 '{userName}',请重新登录。");
        if (user.LockoutEnd is { } end && end > now)
            return new Refusal(RefusalCode.AccountDisabled, "", "Your account is disabled or locked: nothing was recorded.", "您的账号已停用或被锁定:未记录任何操作。");
        var roles = await db.UserRoles.Where(ur => ur.UserId == user.Id)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(ct);
        return new Actor(user.Id, user.UserName!, user.Email, roles.ToHashSet(StringComparer.Ordinal)).Allowed(anyRole);
    }

    private Outcome<Actor> Allowed(IReadOnlyCollection<string> anyRole)
    {
        if (anyRole.Count > 0 && !anyRole.Any(Has))
            return new Refusal(RefusalCode.MissingRole, "", $"This needs the role {string.Join(" or ", anyRole)}.",
                $"此操作需要 {string.Join(" 或 ", anyRole.Select(RoleNameZh))} 角色。");
        return this;
    }

    /// <summary>The enabled account (or the command line) if the permission table lets its roles do <paramref name="action"/>.</summary>
    /// <remarks>The one question every use case and entry point asks before it acts or reads.</remarks>
    public static async Task<Outcome<Actor>> ResolveAsync(ReleaseGateDb db, Acting acting, DateTimeOffset now, PortalAction action, CancellationToken ct)
    {
        var roles = Permissions.RolesFor(action);
        if (roles.Length == 0)
            return new Refusal(RefusalCode.MissingRole, "", $"Only an integration may do this ({action}).", $"只有集成可以执行此操作({action})。");
        var resolved = await ResolveRolesAsync(db, acting, now, roles, ct);
        // The roles decide what the person may do; a token's scopes narrow what this call may do.
        if (resolved.Value is not null && TokenScopes.OfThisCall is { } scopes && !TokenScopes.Covers(scopes, action))
            return TokenScopes.Uncovered(scopes, action.ToString());
        return resolved;
    }

    /// <summary>
    /// The integration <paramref name="keyId"/>, known and not revoked, if the table lets integrations do <paramref name="action"/>
    /// and the key speaks for <paramref name="application"/> (null for a read that names no one application).
    /// </summary>
    public static async Task<Refusal?> CheckIntegrationAsync(ReleaseGateDb db, string keyId, PortalAction action, string? application, CancellationToken ct)
    {
        if (!Permissions.Allows(action, Principals.Integration))
            return new Refusal(RefusalCode.MissingRole, "", $"An integration may not do this ({action}).", $"集成不能执行此操作({action})。");
        var key = await db.Set<Integration>().AsNoTracking().Where(i => i.KeyId == keyId && i.RevokedAt == null)
            .Select(i => new { i.Applications }).SingleOrDefaultAsync(ct);
        if (key is null) return new Refusal(RefusalCode.UnknownActor, "", $"The key '{keyId}' is unknown or revoked.", $"密钥 '{keyId}' 不存在或已被吊销。");
        if (application is not null && !key.Applications.Contains(Integration.EveryApplication) && !key.Applications.Contains(application))
            return new Refusal(RefusalCode.MissingRole, "application", $"The key '{keyId}' may not act for the application '{application}'; an admin can add it on the integrations page.",
                $"密钥 '{keyId}' 无权代表应用 '{application}';管理员可在集成页面添加。");
        return null;
    }

    /// <summary>Whether this actor's roles may do <paramref name="action"/> (for a use case with a second rule, e.g. "owner or …").</summary>
    public bool May(PortalAction action) => IsCommandLine ? Permissions.Allows(action, Users.Roles.Admin) : Permissions.Allows(action, Roles);

    private static string RoleNameZh(string role) => role switch
    {
        Users.Roles.Viewer => "只读",
        Users.Roles.QA => "QA",
        Users.Roles.ReleaseManager => "发布经理",
        Users.Roles.Admin => "管理员",
        _ => role,
    };
}
