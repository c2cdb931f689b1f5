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
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromSeconds(settings.SessionCheckSeconds));
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
