using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ReleaseGate.Registry;

/// <summary>A Docker Registry HTTP API v2 / OCI distribution client for one registry.</summary>
public sealed partial class RegistryClient(HttpClient http, RegistryEndpoint endpoint)
{
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new();
    private volatile bool _basicChallenged;
    private volatile BearerChallenge? _bearer;

    public RegistryEndpoint Endpoint { get; } = endpoint;

    public async Task<ManifestDescriptor?> ResolveAsync(string repository, string reference, CancellationToken ct = default)
    {
        var isDigest = reference.StartsWith("sha256:", StringComparison.Ordinal);
        using (var head = await SendAsync(() => ManifestRequest(HttpMethod.Head, repository, reference), repository, push: false, ct))
        {
            if (head.StatusCode == HttpStatusCode.NotFound)
                return null;
            await EnsureSuccessAsync(head, $"HEAD manifest {repository}:{reference}", ct);
            var digest = DigestHeader(head);
            var mediaType = head.Content.Headers.ContentType?.MediaType;
            var size = head.Content.Headers.ContentLength;
            if (digest is not null && mediaType is not null && size is not null)
            {
                if (isDigest && digest != reference)
                    throw DigestMismatch(repository, reference, digest);
                return new ManifestDescriptor(digest, mediaType, size.Value);
            }
        }

        // Some registries omit Docker-Content-Digest on HEAD: the digest is the sha256 of the exact bytes.
        try
        {
            var (bytes, type, computed) = await GetManifestAsync(repository, reference, ct);
            return new ManifestDescriptor(computed, type, bytes.LongLength);
        }
        catch (RegistryException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<(byte[] Bytes, string MediaType, string Digest)> GetManifestAsync(string repository, string reference, CancellationToken ct = default)
    {
        using var response = await SendAsync(() => ManifestRequest(HttpMethod.Get, repository, reference), repository, push: false, ct);
        await EnsureSuccessAsync(response, $"GET manifest {repository}:{reference}", ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var digest = Sha256Digest(bytes);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && digest != reference)
            throw DigestMismatch(repository, reference, digest);
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? MediaTypeFromBody(bytes)
            ?? throw new RegistryException($"The registry {Endpoint.Authority} served the manifest {repository}:{reference} without a media type.", false);
        return (bytes, mediaType, digest);
    }

    public async Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken ct = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, BlobUri(repository, digest)), repository, push: false, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        await EnsureSuccessAsync(response, $"HEAD blob {repository}@{digest}", ct);
        return true;
    }

    /// <summary>Opens a blob for streaming; the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> GetBlobAsync(string repository, string digest, CancellationToken ct = default)
    {
        var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, BlobUri(repository, digest)), repository, push: false, ct);
        try
        {
            await EnsureSuccessAsync(response, $"GET blob {repository}@{digest}", ct);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Monolithic upload: POST an upload session, then PUT the whole body with its digest. The stream is not buffered.</summary>
    public async Task UploadBlobAsync(string repository, string digest, Stream content, long length, CancellationToken ct = default)
    {
        var location = await StartUploadAsync(repository, mountFrom: null, digest, ct);
        await PutUploadAsync(location!, repository, digest, content, length, ct);
    }

    /// <summary>PUTs manifest bytes unchanged under a tag or digest.</summary>
    public async Task PutManifestAsync(string repository, string reference, byte[] bytes, string mediaType, CancellationToken ct = default)
    {
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, ManifestUri(repository, reference)) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return request;
        }, repository, push: true, ct);
        await EnsureSuccessAsync(response, $"PUT manifest {repository}:{reference}", ct);
    }

    // ---------------------------------------------------------------------------------------------
    // uploads

    /// <summary>Returns the upload location, or null when the mount succeeded.</summary>
    private async Task<Uri?> StartUploadAsync(string repository, string? mountFrom, string digest, CancellationToken ct)
    {
        var query = mountFrom is null ? "" : $"?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(mountFrom)}";
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint.BaseAddress, $"/v2/{repository}/blobs/uploads/{query}")),
            repository, push: true, ct);
        await EnsureSuccessAsync(response, $"POST blob upload {repository}", ct);
        if (mountFrom is not null && response.StatusCode == HttpStatusCode.Created)
            return null;
        var location = response.Headers.Location
            ?? throw new RegistryException($"The registry {Endpoint.Authority} started an upload to {repository} without a Location.", false);
        return location.IsAbsoluteUri ? location : new Uri(Endpoint.BaseAddress, location);
    }

    private async Task PutUploadAsync(Uri location, string repository, string digest, Stream content, long length, CancellationToken ct)
    {
        var separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
        var uri = new Uri(location.AbsoluteUri + separator + "digest=" + Uri.EscapeDataString(digest));
        var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new StreamContent(content, 256 * 1024) };
        request.Content.Headers.ContentLength = length;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        // The body is a one-shot stream: it cannot be replayed after a 401, so it relies on the auth the POST established.
        using var response = await SendAsync(() => request, repository, push: true, ct, replayable: false);
        await EnsureSuccessAsync(response, $"PUT blob {repository}@{digest}", ct);
    }

    // ---------------------------------------------------------------------------------------------
    // copy

    /// <summary>
    /// Copies an image by digest from one registry/repository to another, byte for byte (nothing is re-compressed),
    /// tags it when <paramref name="tag"/> is given, and verifies the target serves the same digest.
    /// </summary>
    public static async Task<ManifestDescriptor> CopyAsync(RegistryClient source, string sourceRepository, string digest,
        RegistryClient target, string targetRepository, string? tag, IProgress<CopyProgress>? progress, CancellationToken ct = default)
    {
        var (bytes, mediaType, _) = await source.GetManifestAsync(sourceRepository, digest, ct);
        using var manifest = JsonDocument.Parse(bytes);

        if (MediaTypes.IsIndex(mediaType))
        {
            foreach (var child in manifest.RootElement.GetProperty("manifests").EnumerateArray())
                await CopyAsync(source, sourceRepository, child.GetProperty("digest").GetString()!, target, targetRepository, null, progress, ct);
        }
        else
        {
            var blobs = new List<(string Digest, long Size)>();
            if (manifest.RootElement.TryGetProperty("config", out var config))
                blobs.Add((config.GetProperty("digest").GetString()!, config.GetProperty("size").GetInt64()));
            if (manifest.RootElement.TryGetProperty("layers", out var layers))
                blobs.AddRange(layers.EnumerateArray()
                    .Where(l => !l.TryGetProperty("urls", out _)) // foreign layers live elsewhere; registries do not need them
                    .Select(l => (l.GetProperty("digest").GetString()!, l.GetProperty("size").GetInt64())));
            await Parallel.ForEachAsync(blobs.DistinctBy(b => b.Digest), new ParallelOptions { MaxDegreeOfParallelism = 3, CancellationToken = ct },
                async (blob, token) =>
                {
                    var outcome = await CopyBlobAsync(source, sourceRepository, target, targetRepository, blob.Digest, token);
                    progress?.Report(new CopyProgress(blob.Digest, blob.Size, outcome));
                });
        }

        await target.PutManifestAsync(targetRepository, digest, bytes, mediaType, ct);
        if (tag is not null)
            await target.PutManifestAsync(targetRepository, tag, bytes, mediaType, ct);

        foreach (var reference in tag is null ? [digest] : new[] { digest, tag })
        {
            var copied = await target.ResolveAsync(targetRepository, reference, ct);
            if (copied?.Digest != digest)
                throw new RegistryException(
                    $"After copying {sourceRepository}@{digest} to {target.Endpoint.Authority}/{targetRepository}, the target serves {reference} as {copied?.Digest ?? "nothing"}.", false);
        }
        return new ManifestDescriptor(digest, mediaType, bytes.LongLength);
    }

    private static async Task<BlobCopyOutcome> CopyBlobAsync(RegistryClient source, string sourceRepository,
        RegistryClient target, string targetRepository, string digest, CancellationToken ct)
    {
        if (await target.BlobExistsAsync(targetRepository, digest, ct))
            return BlobCopyOutcome.AlreadyPresent;

        var sameRegistry = Uri.Compare(source.Endpoint.BaseAddress, target.Endpoint.BaseAddress,
            UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        var location = await target.StartUploadAsync(targetRepository, sameRegistry ? sourceRepository : null, digest, ct);
        if (location is null)
            return BlobCopyOutcome.Mounted;

        using var blob = await source.GetBlobAsync(sourceRepository, digest, ct);
        var length = blob.Content.Headers.ContentLength
            ?? throw new RegistryException($"The registry {source.Endpoint.Authority} served blob {sourceRepository}@{digest} without a Content-Length.", false);
        await using var stream = await blob.Content.ReadAsStreamAsync(ct);
        await target.PutUploadAsync(location, targetRepository, digest, stream, length, ct);
        return BlobCopyOutcome.Uploaded;
    }

    // ---------------------------------------------------------------------------------------------
    // sending, auth, errors

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string repository, bool push, CancellationToken ct,
        bool replayable = true)
    {
        var scope = $"repository:{repository}:{(push ? "pull,push" : "pull")}";
        var response = await SendOnceAsync(create, scope, ct);
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

        response = await SendOnceAsync(create, scope, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw CredentialsRefused();
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> create, string scope, CancellationToken ct)
    {
        var request = create();
        if (_bearer is not null && _tokens.TryGetValue(scope, out var cached) && cached.Expires > DateTimeOffset.UtcNow)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cached.Token);
        else if (_basicChallenged)
            request.Headers.Authorization = BasicHeader();
        return await TransportAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private async Task<HttpResponseMessage> TransportAsync(HttpRequestMessage request, HttpCompletionOption option, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, option, ct);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException($"Could not reach the registry {Endpoint.Authority} ({request.Method} {request.RequestUri?.AbsolutePath}): {e.Message}", true, null, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new RegistryException($"The registry {Endpoint.Authority} did not answer {request.Method} {request.RequestUri?.AbsolutePath} in time.", true, null, e);
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
            request.Headers.Authorization = BasicHeader();
        using var response = await TransportAsync(request, HttpCompletionOption.ResponseContentRead, ct);
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
