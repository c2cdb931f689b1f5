using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
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
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RefusalTally>());
        builder.Services.AddPortalRateLimits(settings);
        builder.AddKeysAtRest();
    }
}
