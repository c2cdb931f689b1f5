using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.SignIn;

/// <summary>
/// The provider asked again about a person with the refresh token kept from their sign-in (GitLab issues one with every
/// code): a refresh, then userinfo for the groups. The refresh token is kept only protected by the data-protection keys.
/// "Gone" is the provider refusing the grant (removed, blocked, revoked); anything else that fails is "unreachable".
/// </summary>
public sealed class OidcDirectory(IOptionsMonitor<OpenIdConnectOptions> oidc, IOptions<OidcSettings> settings,
    IOptions<OidcRoleGroupsSettings> roleGroups, IDataProtectionProvider protection, ILogger<OidcDirectory> log) : IExternalDirectory
{
    private readonly IDataProtector protector = protection.CreateProtector("ReleaseGate.Oidc.Grant");

    public string ProviderName => settings.Value.DisplayName;

    public async Task<string?> IssuerAsync(CancellationToken ct)
    {
        if (!settings.Value.IsEnabled()) return null;
        try
        {
            return (await Options.ConfigurationManager!.GetConfigurationAsync(ct)).Issuer;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "{Provider} did not answer at {Authority}: accounts not revalidated this time", ProviderName, settings.Value.Authority);
            return null;
        }
    }

    /// <summary>What the sign-in keeps of the provider's refresh token: only this protected form reaches the database.</summary>
    public string? Protect(string? refreshToken) => refreshToken is { Length: > 0 } t ? protector.Protect(t) : null;

    public async Task<ExternalLookup> LookUpAsync(string grant, CancellationToken ct)
    {
        string refreshToken;
        try { refreshToken = protector.Unprotect(grant); }
        catch (CryptographicException) { return Gone("the kept grant can no longer be read (data-protection key lost)"); }
        try
        {
            var options = Options;
            var config = await options.ConfigurationManager!.GetConfigurationAsync(ct);
            // The same client authentication as the code redemption of ASP.NET's handler: id and secret in the form.
            using var refresh = await options.Backchannel.PostAsync(config.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
                ["client_id"] = options.ClientId!,
                ["client_secret"] = options.ClientSecret ?? "",
            }), ct);
            var tokens = await JsonAsync(refresh, ct);
            if (refresh.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized && Text(tokens, "error") == "invalid_grant")
                return Gone($"the provider refused the grant: {Text(tokens, "error_description") ?? "invalid_grant"}");
            if (!refresh.IsSuccessStatusCode || Text(tokens, "access_token") is not { } accessToken)
                return Unreachable($"token endpoint answered {(int)refresh.StatusCode} {Text(tokens, "error")}");

            using var request = new HttpRequestMessage(HttpMethod.Get, config.UserInfoEndpoint);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var userInfo = await options.Backchannel.SendAsync(request, ct);
            if (userInfo.StatusCode == HttpStatusCode.Unauthorized) return Gone("userinfo refused the fresh access token");
            if (!userInfo.IsSuccessStatusCode) return Unreachable($"userinfo answered {(int)userInfo.StatusCode}");
            var groups = Groups(await JsonAsync(userInfo, ct));
            return new ExternalLookup(ExternalStanding.Present, roleGroups.Value.RolesFor(groups), Protect(Text(tokens, "refresh_token")));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return Unreachable(e.Message);
        }
    }

    private OpenIdConnectOptions Options => oidc.Get(OidcSignIn.Scheme);

    private ExternalLookup Gone(string why) => new(ExternalStanding.Gone, new HashSet<string>(), Why: why);

    private ExternalLookup Unreachable(string why)
    {
        log.LogWarning("{Provider} could not be asked about an account: {Why}", ProviderName, why);
        return new(ExternalStanding.Unreachable, new HashSet<string>(), Why: why);
    }

    private IEnumerable<string> Groups(JsonElement? info) =>
        info is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(settings.Value.GroupsClaim, out var g)
            ? g.ValueKind switch
            {
                JsonValueKind.Array => g.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList(),
                JsonValueKind.String => [g.GetString()!],
                _ => [],
            }
            : [];

    private static async Task<JsonElement?> JsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        if (body.Length == 0 || body[0] != '{') return null;
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string? Text(JsonElement? json, string name) =>
        json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
