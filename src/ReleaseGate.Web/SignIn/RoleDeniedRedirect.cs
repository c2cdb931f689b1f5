using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ReleaseGate.Web.SignIn;

/// <summary>
/// A signed-in user refused a page for want of a role lands on the denied page told which role,
/// rather than on a bare "access denied".
/// </summary>
public sealed class RoleDeniedRedirect : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        var roles = result.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).ToList();
        if (!result.Forbidden || roles is not { Count: > 0 } || context.User.Identity?.IsAuthenticated != true || !HttpMethods.IsGet(context.Request.Method))
            return standard.HandleAsync(next, context, policy, result);

        var returnUrl = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        context.Response.Redirect($"{context.Request.PathBase}/account/denied?role={Uri.EscapeDataString(roles[0])}&ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        return Task.CompletedTask;
    }
}
