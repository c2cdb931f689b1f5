using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Security;

public enum AccountChange { Disabled, Changed, SignedOut, Expired }

/// <summary>What happened to the account of this circuit's user, for the layout to say so; one per circuit.</summary>
public sealed class AccountNotice
{
    public AccountChange? Change { get; private set; }
    public event Action? Changed;

    public void Set(AccountChange change)
    {
        if (Change == change) return;
        Change = change;
        Changed?.Invoke();
    }
}

/// <summary>
/// Re-reads an open tab's account every few seconds: a disabled account, a security stamp changed by a
/// new role or password, a removed account, a session signed out in another tab, or a sign-in past its maximum age signs
/// the circuit out, so no tab acts on an old state.
/// </summary>
public sealed class AccountRevalidation(ILoggerFactory logs, IServiceScopeFactory scopes, IOptions<SecuritySettings> settings,
    IOptions<IdentityOptions> identity, AccountNotice notice, SignedInSessions sessions, TimeProvider time) : RevalidatingServerAuthenticationStateProvider(logs)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(settings.Value.SessionCheckSeconds);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        if (state.User.Identity?.IsAuthenticated != true) return true;
        var change = await CheckAsync(state.User);
        if (change is { } c) notice.Set(c);
        return change is null;
    }

    private async Task<AccountChange?> CheckAsync(ClaimsPrincipal principal)
    {
        if (SessionAge.IsOver(principal, time.GetUtcNow(), SessionAge.Max(settings))) return AccountChange.Expired;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.GetUserAsync(principal);
        if (user is null) return AccountChange.Disabled;
        if (await users.IsLockedOutAsync(user)) return AccountChange.Disabled;
        if (await sessions.HasEndedAsync(principal)) return AccountChange.SignedOut;
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return users.SupportsUserSecurityStamp && stamp != await users.GetSecurityStampAsync(user) ? AccountChange.Changed : null;
    }
}
