using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using ReleaseGate.Web.Security;

namespace ReleaseGate.Web.SignIn;

/// <summary>
/// A signed-in user refused a page lands on the denied page told which action of the table it needs (and so whom to
/// ask), or, holding no role that reads anything, that they have no access yet; never on a bare "access denied".
/// </summary>
public sealed class RoleDeniedRedirect : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        var action = result.AuthorizationFailure?.FailedRequirements.OfType<PermissionRequirement>().Select(r => r.Action).FirstOrDefault();
        if (!result.Forbidden || action is null || context.User.Identity?.IsAuthenticated != true || !HttpMethods.IsGet(context.Request.Method))
            return standard.HandleAsync(next, context, policy, result);

        var returnUrl = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        context.Response.Redirect($"{context.Request.PathBase}/account/denied?action={action}&ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        return Task.CompletedTask;
    }
}
