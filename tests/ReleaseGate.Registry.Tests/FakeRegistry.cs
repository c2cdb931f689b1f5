using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace ReleaseGate.Registry.Tests;

/// <summary>
/// An in-memory registry (one HttpMessageHandler) for what the real ones never do: serve corrupt bytes,
/// answer a mount with 202, or fail. Stores manifests and blobs per repository.
/// </summary>
public sealed partial class FakeRegistry : HttpMessageHandler
{
    public ConcurrentDictionary<string, (byte[] Bytes, string MediaType)> Manifests { get; } = new(); // "repo@ref"
    public ConcurrentDictionary<string, byte[]> Blobs { get; } = new(); // "repo@digest"
    public ConcurrentQueue<string> Log { get; } = new(); // "METHOD path?query"

    /// <summary>Served instead of the stored bytes of a blob (for a registry gone bad).</summary>
    public ConcurrentDictionary<string, byte[]> Corrupt { get; } = new();

    public HttpStatusCode MountAnswer { get; set; } = HttpStatusCode.Created;

    public RegistryClient Client(RetryBudget? retry = null) =>
        new(new HttpClient(this), new RegistryEndpoint(new Uri("http://fake.test:5000"))) { Retry = retry ?? RetryBudget.None };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var uri = request.RequestUri!;
        Log.Enqueue($"{request.Method} {uri.PathAndQuery}");
        var response = await RespondAsync(request, uri, ct);
        response.RequestMessage = request;
        return response;
    }

    private async Task<HttpResponseMessage> RespondAsync(HttpRequestMessage request, Uri uri, CancellationToken ct)
    {
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        if (ManifestPath().Match(uri.AbsolutePath) is { Success: true } m)
        {
            var key = $"{m.Groups[1].Value}@{m.Groups[2].Value}";
            if (request.Method == HttpMethod.Put)
            {
                var bytes = await request.Content!.ReadAsByteArrayAsync(ct);
                Manifests[key] = (bytes, request.Content.Headers.ContentType!.MediaType!);
                Manifests[$"{m.Groups[1].Value}@{RegistryClient.Sha256Digest(bytes)}"] = Manifests[key];
                return new HttpResponseMessage(HttpStatusCode.Created);
            }
            if (!Manifests.TryGetValue(key, out var manifest))
                return new HttpResponseMessage(HttpStatusCode.NotFound);
            return Body(request, manifest.Bytes, manifest.MediaType, RegistryClient.Sha256Digest(manifest.Bytes));
        }
        if (BlobPath().Match(uri.AbsolutePath) is { Success: true } b)
        {
            var digest = b.Groups[2].Value;
            if (!Blobs.TryGetValue($"{b.Groups[1].Value}@{digest}", out var bytes))
                return new HttpResponseMessage(HttpStatusCode.NotFound);
            return Body(request, Corrupt.GetValueOrDefault(digest, bytes), "application/octet-stream", digest);
        }
        if (UploadPath().Match(uri.AbsolutePath) is { Success: true } u)
        {
            var repository = u.Groups[1].Value;
            if (request.Method == HttpMethod.Post && query["mount"] is { } mount && MountAnswer == HttpStatusCode.Created
                && Blobs.TryGetValue($"{query["from"]}@{mount}", out var mounted))
            {
                Blobs[$"{repository}@{mount}"] = mounted;
                return new HttpResponseMessage(HttpStatusCode.Created);
            }
            if (request.Method == HttpMethod.Post)
            {
                var accepted = new HttpResponseMessage(HttpStatusCode.Accepted);
                accepted.Headers.Location = new Uri($"/v2/{repository}/blobs/uploads/{Guid.NewGuid():N}", UriKind.Relative);
                return accepted;
            }
            if (request.Method == HttpMethod.Put)
            {
                var bytes = await request.Content!.ReadAsByteArrayAsync(ct); // a refused body throws here: nothing is stored
                if (RegistryClient.Sha256Digest(bytes) != query["digest"])
                    return new HttpResponseMessage(HttpStatusCode.BadRequest);
                Blobs[$"{repository}@{query["digest"]}"] = bytes;
                return new HttpResponseMessage(HttpStatusCode.Created);
            }
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private static HttpResponseMessage Body(HttpRequestMessage request, byte[] bytes, string mediaType, string digest)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = request.Method == HttpMethod.Head ? new ByteArrayContent([]) : new ByteArrayContent(bytes),
        };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        response.Content.Headers.ContentLength = bytes.Length;
        response.Headers.Add("Docker-Content-Digest", digest);
        return response;
    }

    [GeneratedRegex("^/v2/(.+)/manifests/([^/]+)$")]
    private static partial Regex ManifestPath();

    [GeneratedRegex("^/v2/(.+)/blobs/(sha256:[a-f0-9]{64})$")]
    private static partial Regex BlobPath();

    [GeneratedRegex("^/v2/(.+)/blobs/uploads/")]
    private static partial Regex UploadPath();
}
