using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Security;

/// <summary>Headers every answer carries, forwarded headers from known proxies only, HSTS behind an https public URL, and a logout only by POST.</summary>
public static class SecurityHeaders
{
    // Blazor Server needs no eval and no inline script; MudBlazor sets inline styles; the circuit's WebSocket is same-origin ('self').
    public const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'none'";

    public static void UsePortalSecurity(this WebApplication app)
    {
        var network = app.Services.GetRequiredService<IOptions<NetworkSettings>>().Value;
        // Only named proxies are believed (empty lists would mean "believe anyone", so no proxies: no middleware).
        if (network.Proxies().Any() || network.ProxyNetworks().Any())
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in network.Proxies()) forwarded.KnownProxies.Add(proxy);
            foreach (var subnet in network.ProxyNetworks()) forwarded.KnownIPNetworks.Add(subnet);
            app.UseForwardedHeaders(forwarded);
        }

        if (app.Services.GetRequiredService<IOptions<PortalSettings>>().Value.PublicUrl.Scheme == Uri.UriSchemeHttps) app.UseHsts();

        // "Link GitLab" on My account is a form whose answer redirects to the provider: form-action must allow its origin.
        var oidc = app.Services.GetRequiredService<IOptions<OidcSettings>>().Value;
        var policy = oidc.IsEnabled() && Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority)
            ? ContentSecurityPolicy.Replace("form-action 'self'", $"form-action 'self' {authority.GetLeftPart(UriPartial.Authority)}", StringComparison.Ordinal)
            : ContentSecurityPolicy;
        app.Use(async (http, next) =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            // Logout only as a POST (a link elsewhere cannot sign anyone out); its antiforgery token is checked by the
            // endpoint, once authentication has run: the token is bound to the signed-in user, so checking it here, as
            // nobody, refused every sign-out.
            if (http.Request.Path.StartsWithSegments("/account/logout") && !HttpMethods.IsPost(http.Request.Method))
            {
                http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return;
            }
            await next(http);
        });
    }
}
