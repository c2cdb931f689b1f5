using ReleaseGate.Core.Access;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Api;

/// <summary>POST /api/v1/users and PUT /api/v1/users/{email}: the Users page's use cases, for admins.</summary>
public static class UsersApi
{
    public sealed record UserRequest(string Email, string? DisplayName, IReadOnlyList<string>? Roles);

    public sealed record UserChangeRequest(IReadOnlyList<string>? Roles, bool? Disabled, bool? ResetPassword);

    public sealed record UserView(string Email, string DisplayName, IReadOnlyList<string> Roles, bool Disabled, string? TemporaryPassword);

    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapPost("/users", CreateAsync).WithSummary("Create an account with roles; its first password is in the answer, once (Admin)")
            .Produces<UserView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status415UnsupportedMediaType).JsonBody(typeof(UserRequest)).PersonCall().Needs(PortalAction.ManageUsers);
        api.MapPut("/users/{email}", ChangeAsync).WithSummary("Set roles, disable or enable, or reset the password of an account (Admin)")
            .Produces<UserView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).JsonBody(typeof(UserChangeRequest)).PersonCall().Needs(PortalAction.ManageUsers);
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, CreateUser create, IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
    {
        if (await JsonBody.ReadAsync(http) is not { } root) return JsonBody.Refusal(http)!;
        using var _ = root;
        var f = new JsonFields(root.RootElement);
        var email = f.String("email", required: true, 256);
        var displayName = f.String("displayName", required: false, 100) ?? "";
        var roles = f.Strings("roles", 3, 32);
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);
        var outcome = await create.RunAsync(email!, displayName, roles, PersonOrSignature.Person(http)!);
        if (outcome.Refusal is { } refusal) return await ApiProblems.RefuseAsync(http, refusal);
        var view = await ViewAsync(dbs, email!.Trim(), outcome.Value!.TemporaryPassword, time.GetUtcNow(), http.RequestAborted);
        return ApiAnswer.Of(StatusCodes.Status201Created, view!, $"/api/v1/users/{Uri.EscapeDataString(view!.Email)}");
    }

    private static async Task<IResult> ChangeAsync(string email, HttpContext http, ChangeUser change, IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
    {
        if (await JsonBody.ReadAsync(http) is not { } root) return JsonBody.Refusal(http)!;
        using var _ = root;
        var f = new JsonFields(root.RootElement);
        var roles = root.RootElement.TryGetProperty("roles", out var r) && r.ValueKind != System.Text.Json.JsonValueKind.Null ? f.Strings("roles", 3, 32) : null;
        var disabled = Bool(f, root.RootElement, "disabled");
        var reset = Bool(f, root.RootElement, "resetPassword") ?? false;
        if (f.IsValid && roles is null && disabled is null && !reset) f.Fail("roles", "name at least one change: roles, disabled or resetPassword.");
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);

        // An unknown address still goes through the use case, so a non-admin learns 403, not whether the account exists.
        string userId;
        await using (var db = await dbs.CreateDbContextAsync(http.RequestAborted))
            userId = await db.Users.Where(u => u.NormalizedEmail == email.ToUpperInvariant()).Select(u => u.Id).SingleOrDefaultAsync(http.RequestAborted) ?? "";
        var person = PersonOrSignature.Person(http)!;
        var changes = new List<UserChange>();
        if (roles is not null) changes.Add(UserChange.SetRoles);
        if (disabled is { } d) changes.Add(d ? UserChange.Disable : UserChange.Enable);
        if (reset) changes.Add(UserChange.ResetPassword);
        string? password = null;
        foreach (var c in changes)
        {
            var outcome = await change.RunAsync(userId, c, person, roles);
            if (outcome.Refusal is { } refusal) return await ApiProblems.RefuseAsync(http, refusal);
            password ??= outcome.Value!.TemporaryPassword;
        }
        return ApiAnswer.Of(StatusCodes.Status200OK, (await ViewAsync(dbs, email, password, time.GetUtcNow(), http.RequestAborted))!);
    }

    private static bool? Bool(JsonFields f, System.Text.Json.JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == System.Text.Json.JsonValueKind.Null) return null;
        if (v.ValueKind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False) return v.GetBoolean();
        f.Fail(name, "must be true or false.");
        return null;
    }

    private static async Task<UserView?> ViewAsync(IDbContextFactory<ReleaseGateDb> dbs, string email, string? password, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == email.ToUpperInvariant(), ct);
        if (user is null) return null;
        var roles = await db.UserRoles.Where(ur => ur.UserId == user.Id).Join(db.Roles, ur => ur.RoleId, x => x.Id, (_, x) => x.Name!).OrderBy(n => n).ToListAsync(ct);
        return new UserView(user.Email!, user.DisplayName, roles, user.LockoutEnd is not null && user.LockoutEnd > now, password);
    }
}
