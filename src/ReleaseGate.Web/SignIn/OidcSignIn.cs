using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.SignIn;

/// <summary>The OpenID Connect scheme behind "Sign in with GitLab"; the account work happens in <see cref="OidcEndpoints"/>.</summary>
public static class OidcSignIn
{
    /// <summary>The scheme name (logins in AspNetUserLogins are keyed by the provider's issuer, not by this).</summary>
    public const string Scheme = "oidc";

    /// <summary>Why the login page was sent back to, as its `oidc` query value: a key of UiText ("Oidc.{reason}").</summary>
    public static class Reasons
    {
        public const string Down = "down";
        public const string Failed = "failed";
        public const string Disabled = "disabled";
        public const string NoEmail = "noemail";
        public const string NotLinked = "notlinked";
        // Answers to a link asked for on My account (its `link` query value: "Link.{reason}").
        public const string Linked = "linked";
        public const string Taken = "taken";
    }

    public static void AddOidcSignIn(this AuthenticationBuilder auth, IConfiguration configuration)
    {
        var settings = configuration.GetSection(OidcSettings.Section).Get<OidcSettings>() ?? new();
        if (!settings.IsEnabled()) return;
        auth.AddOpenIdConnect(Scheme, settings.DisplayName, o =>
        {
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ResolveClientSecret();
            o.RequireHttpsMetadata = !new Uri(settings.Authority!).IsLoopback; // validated: http only on this machine
            // The provider's answer lands in Identity's short-lived external cookie; /account/oidc/done makes the real sign-in.
            o.SignInScheme = IdentityConstants.ExternalScheme;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            // A GET back (not form_post): Lax correlation cookies travel on it, over http on a test machine too.
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.CorrelationCookie.SameSite = o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Scope.Clear();
            foreach (var scope in new[] { "openid", "profile", "email" }) o.Scope.Add(scope);
            // GitLab puts e-mail and groups in userinfo; claim names stay as the provider spells them.
            o.GetClaimsFromUserInfoEndpoint = true;
            // The refresh token lets the portal ask again about the person's groups on a schedule (OidcDirectory).
            o.SaveTokens = true;
            o.MapInboundClaims = false;
            o.ClaimActions.MapJsonKey(settings.GroupsClaim, settings.GroupsClaim);
            o.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
            // A provider that does not answer must not hold the login page for a minute.
            o.BackchannelTimeout = TimeSpan.FromSeconds(10);
            o.Events.OnRedirectToIdentityProvider = async context =>
            {
                // Metadata may be cached from before the provider went down: knock once, briefly, so the
                // person reads "did not answer" here instead of a browser error page at the provider.
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.HttpContext.RequestAborted);
                    timeout.CancelAfter(TimeSpan.FromSeconds(3));
                    using var _ = await context.Options.Backchannel.GetAsync(context.ProtocolMessage.IssuerAddress, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    Log(context.HttpContext).LogWarning(e, "{Provider} did not answer at {Address}", settings.DisplayName, context.ProtocolMessage.IssuerAddress);
                    context.Response.Redirect(LoginPage(context.Request, Reasons.Down));
                    context.HandleResponse();
                }
            };
            o.Events.OnRemoteFailure = context =>
            {
                var down = context.Failure is HttpRequestException or TaskCanceledException || context.Failure?.InnerException is HttpRequestException;
                Log(context.HttpContext).LogWarning(context.Failure, "Sign-in with {Provider} failed", settings.DisplayName);
                context.Response.Redirect(LoginPage(context.Request, down ? Reasons.Down : Reasons.Failed));
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    private static ILogger Log(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn));

    public static string LoginPage(HttpRequest request, string reason) =>
        $"{request.PathBase}/account/login?oidc={Uri.EscapeDataString(reason)}";
}
