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
    private Polly.ResiliencePipeline<HttpResponseMessage>? _requestPipeline;
    private Polly.ResiliencePipeline? _blobPipeline;

    public RegistryEndpoint Endpoint { get; } = endpoint;

    /// <summary>Retries of 408/429/5xx and broken connections, per request and per blob; <see cref="RetryBudget.Default"/> unless set.</summary>
    public RetryBudget Retry { get; init; } = RetryBudget.Default;

    internal Polly.ResiliencePipeline<HttpResponseMessage> RequestPipeline => _requestPipeline ??= Retry.RequestPipeline();
    internal Polly.ResiliencePipeline BlobPipeline => _blobPipeline ??= Retry.BlobPipeline();

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

    /// <summary>Kept for existing callers: <see cref="ImageCopy.CopyAsync"/> with default options, returning the verified manifest.</summary>
    public static async Task<ManifestDescriptor> CopyAsync(RegistryClient source, string sourceRepository, string digest,
        RegistryClient target, string targetRepository, string? tag, IProgress<CopyProgress>? progress, CancellationToken ct = default)
    {
        var result = await ImageCopy.CopyAsync(source, sourceRepository, target, targetRepository, digest, tag, progress, null, ct);
        return (await target.ResolveAsync(targetRepository, result.Digest, ct))!;
    }
}
