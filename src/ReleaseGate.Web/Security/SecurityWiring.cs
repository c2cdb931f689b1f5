using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Security;

/// <summary>The portal's trust wiring: sessions that follow the account, limits, headers, keys at rest.</summary>
public static class SecurityWiring
{
    public static void AddPortalSecurity(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(SecuritySettings.Section).Get<SecuritySettings>() ?? new();
        // Every cookie request re-reads the security stamp: a disabled, demoted or re-passworded account is signed out within seconds.
        builder.Services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromSeconds(settings.SessionCheckSeconds);
            // The stamp check rebuilds the principal from the account: the session it belongs to goes with it.
            o.OnRefreshingPrincipal = async refresh =>
            {
                if (refresh.CurrentPrincipal?.FindFirst(SignedInSessions.ClaimType) is { } session && refresh.NewPrincipal?.Identity is ClaimsIdentity identity)
                    identity.AddClaim(new Claim(SignedInSessions.ClaimType, session.Value));
                await SessionAge.KeepOnRefresh(refresh);
            };
        });
        // A cookie whose session was signed out is refused, replayed or not, before the stamp is even looked at.
        builder.Services.AddSingleton<SignedInSessions>();
        builder.Services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o =>
        {
            var checkStamp = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async context =>
            {
                if (context.Principal is { } principal && await context.HttpContext.RequestServices.GetRequiredService<SignedInSessions>().HasEndedAsync(principal, context.HttpContext.RequestAborted))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    return;
                }
                await checkStamp(context);
            };
        });
        // However active, a session ends SessionHours after its sign-in.
        builder.Services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o => SessionAge.Limit(o, TimeSpan.FromHours(settings.SessionHours)));
        // Open tabs (circuits) do the same on their own timer.
        builder.Services.AddScoped<AccountNotice>();
        builder.Services.AddScoped<AuthenticationStateProvider, AccountRevalidation>();
        builder.Services.AddSingleton<RefusalTally>();
        builder.Services.AddSingleton<SignInBackoff>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RefusalTally>());
        builder.Services.AddPortalRateLimits(settings);
        builder.AddKeysAtRest();

        builder.Services.AddScoped<SignInManager<PortalUser>, AuditedSignInManager>();
        builder.Services.Configure<IdentityOptions>(o => o.Password.RequiredLength = MinimumPasswordLength);
        // Behind an https public URL, cookies never travel over plain http.
        var portal = builder.Configuration.GetSection(PortalSettings.Section).Get<PortalSettings>() ?? new();
        var secure = portal.PublicUrl.Scheme == Uri.UriSchemeHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        builder.Services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o => o.Cookie.SecurePolicy = secure);
        builder.Services.Configure<AntiforgeryOptions>(o =>
        {
            o.Cookie.SecurePolicy = secure;
            o.SuppressXFrameOptionsHeader = true; // ours says DENY on every answer
        });
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
    }

    public const int MinimumPasswordLength = 12;
}
