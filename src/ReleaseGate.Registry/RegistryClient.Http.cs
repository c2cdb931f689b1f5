using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ReleaseGate.Registry;

/// <summary>Sending, retries, authentication (basic and bearer) and errors.</summary>
public sealed partial class RegistryClient
{
    // ---------------------------------------------------------------------------------------------
    // sending, auth, errors

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string repository, bool push, CancellationToken ct,
        bool replayable = true)
    {
        var scope = $"repository:{repository}:{(push ? "pull,push" : "pull")}";
        var response = await SendOnceAsync(create, scope, replayable, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
            return response;

        var hadCredentials = response.RequestMessage?.Headers.Authorization is not null;
        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        response.Dispose();
        if (hadCredentials)
            throw CredentialsRefused();
        if (!replayable)
            throw new RegistryException($"The registry {Endpoint.Authority} asked for credentials in the middle of an upload to {repository}.", true, HttpStatusCode.Unauthorized);
        if (challenge is null)
            throw new RegistryException($"The registry {Endpoint.Authority} answered 401 Unauthorized without saying how to authenticate.", false, HttpStatusCode.Unauthorized);

        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (!Endpoint.HasCredentials)
                throw NoCredentials();
            _basicChallenged = true;
        }
        else if (challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            var parameters = ParseChallenge(challenge.Parameter ?? "");
            if (!parameters.TryGetValue("realm", out var realm))
                throw new RegistryException($"The registry {Endpoint.Authority} asked for a bearer token without naming a realm.", false);
            _bearer = new BearerChallenge(new Uri(realm), parameters.GetValueOrDefault("service"));
            var challengeScope = parameters.GetValueOrDefault("scope") ?? scope;
            var token = await FetchTokenAsync(_bearer, challengeScope, ct);
            // A token for the challenge's scope also serves the plain scope of this request (e.g. a mount asks for two repositories).
            _tokens[challengeScope] = token;
            _tokens[scope] = token;
        }
        else
        {
            throw new RegistryException($"The registry {Endpoint.Authority} asks for '{challenge.Scheme}' authentication, which is not supported.", false);
        }

        response = await SendOnceAsync(create, scope, replayable, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw CredentialsRefused();
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> create, string scope, bool replayable, CancellationToken ct)
    {
        HttpRequestMessage Authorized()
        {
            var request = create();
            // An upload URL or a redirect can name another host: no credentials or tokens go there.
            if (request.RequestUri is { IsAbsoluteUri: true } target && !IsRegistry(target)) return request;
            if (_bearer is not null && _tokens.TryGetValue(scope, out var cached) && cached.Expires > DateTimeOffset.UtcNow)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cached.Token);
            else if (_basicChallenged)
                request.Headers.Authorization = BasicHeader();
            return request;
        }

        if (!replayable)
        {
            var single = Authorized();
            return await TransportAsync(single, () => http.SendAsync(single, HttpCompletionOption.ResponseHeadersRead, ct), ct);
        }
        // Each attempt builds a fresh request: a sent HttpRequestMessage cannot be sent again.
        HttpRequestMessage? last = null;
        return await TransportAsync(null, async () => await RequestPipeline.ExecuteAsync(async token =>
        {
            last = Authorized();
            return await http.SendAsync(last, HttpCompletionOption.ResponseHeadersRead, token);
        }, ct), ct, () => last);
    }

    private async Task<HttpResponseMessage> TransportAsync(HttpRequestMessage? request, Func<Task<HttpResponseMessage>> send, CancellationToken ct,
        Func<HttpRequestMessage?>? lastRequest = null)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            var r = request ?? lastRequest?.Invoke();
            throw new RegistryException($"Could not reach the registry {Endpoint.Authority} ({r?.Method} {r?.RequestUri?.AbsolutePath}): {e.Message}", true, null, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            var r = request ?? lastRequest?.Invoke();
            throw new RegistryException($"The registry {Endpoint.Authority} did not answer {r?.Method} {r?.RequestUri?.AbsolutePath} in time.", true, null, e);
        }
    }

    private async Task<(string Token, DateTimeOffset Expires)> FetchTokenAsync(BearerChallenge challenge, string scope, CancellationToken ct)
    {
        var query = new List<string>();
        if (challenge.Service is not null)
            query.Add("service=" + Uri.EscapeDataString(challenge.Service));
        query.AddRange(scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => "scope=" + Uri.EscapeDataString(s)));
        var builder = new UriBuilder(challenge.Realm) { Query = string.Join("&", query) };
        using var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (Endpoint.HasCredentials)
        {
            // The registry names its token server, and anyone who can answer a 401 can name one: our password goes only to the
            // registry's own host (over https, or the registry's own address) or to a host the operator allowed (over https).
            if (!MayReceiveCredentials(challenge.Realm))
                throw new RegistryException($"The registry {Endpoint.Authority} sends us to the token server {challenge.Realm}, which is neither https " +
                    $"on the registry's own host ({Endpoint.BaseAddress.Host}) or an allowed one, nor the registry itself: its credentials are not sent there.", false);
            request.Headers.Authorization = BasicHeader();
        }
        using var response = await TransportAsync(request, () => http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct), ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw Endpoint.HasCredentials ? CredentialsRefused() : NoCredentials();
        await EnsureSuccessAsync(response, $"GET token from {challenge.Realm}", ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = json.RootElement;
        var token = (root.TryGetProperty("token", out var t) ? t.GetString() : null)
            ?? (root.TryGetProperty("access_token", out var a) ? a.GetString() : null)
            ?? throw new RegistryException($"The token server {challenge.Realm} for {Endpoint.Authority} returned no token.", false);
        var lifetime = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 60;
        var issued = root.TryGetProperty("issued_at", out var i) && i.TryGetDateTimeOffset(out var at) ? at : DateTimeOffset.UtcNow;
        // Renew a little early so a request does not race the expiry.
        return (token, issued.AddSeconds(Math.Max(lifetime - 10, 1)));
    }

    private bool MayReceiveCredentials(Uri realm) =>
        IsRegistry(realm)
        || (realm.Scheme == Uri.UriSchemeHttps && (string.Equals(realm.Host, Endpoint.BaseAddress.Host, StringComparison.OrdinalIgnoreCase)
            || Endpoint.TokenRealmHosts.Contains(realm.Host, StringComparer.OrdinalIgnoreCase)));

    private bool IsRegistry(Uri target) =>
        string.Equals(target.Scheme, Endpoint.BaseAddress.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(target.Authority, Endpoint.BaseAddress.Authority, StringComparison.OrdinalIgnoreCase);

    private AuthenticationHeaderValue BasicHeader() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Endpoint.UserName}:{Endpoint.Password}")));

    private RegistryException CredentialsRefused() =>
        new($"the registry refused the credentials for {Endpoint.Authority}", false, HttpStatusCode.Unauthorized);

    private RegistryException NoCredentials() =>
        new($"the registry {Endpoint.Authority} requires credentials and none are configured", false, HttpStatusCode.Unauthorized);

    private RegistryException DigestMismatch(string repository, string expected, string actual) =>
        new($"The registry {Endpoint.Authority} served {repository}@{expected} with digest {actual}.", false);

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
            return;
        var status = response.StatusCode;
        var detail = "";
        try
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            using var json = JsonDocument.Parse(body);
            detail = ": " + string.Join("; ", json.RootElement.GetProperty("errors").EnumerateArray()
                .Select(e => $"{e.GetProperty("code").GetString()} {e.GetProperty("message").GetString()}"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or HttpRequestException)
        {
            // The body is optional detail; the status code says enough.
        }
        var transient = (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
        throw new RegistryException($"The registry {Endpoint.Authority} answered {(int)status} {response.ReasonPhrase} to {what}{detail}", transient, status);
    }

    private HttpRequestMessage ManifestRequest(HttpMethod method, string repository, string reference)
    {
        var request = new HttpRequestMessage(method, ManifestUri(repository, reference));
        foreach (var type in MediaTypes.Manifests)
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        return request;
    }

    private Uri ManifestUri(string repository, string reference) => new(Endpoint.BaseAddress, $"/v2/{repository}/manifests/{reference}");

    private Uri BlobUri(string repository, string digest) => new(Endpoint.BaseAddress, $"/v2/{repository}/blobs/{digest}");

    private static string? DigestHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;

    public static string Sha256Digest(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string? MediaTypeFromBody(byte[] bytes)
    {
        using var json = JsonDocument.Parse(bytes);
        return json.RootElement.TryGetProperty("mediaType", out var m) ? m.GetString() : null;
    }

    private static Dictionary<string, string> ParseChallenge(string parameter) =>
        ChallengeParameter().Matches(parameter).ToDictionary(m => m.Groups[1].Value.ToLowerInvariant(),
            m => m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value);

    [GeneratedRegex(@"(\w+)=(?:""([^""]*)""|([^,\s]*))")]
    private static partial Regex ChallengeParameter();

    private sealed record BearerChallenge(Uri Realm, string? Service);
}
