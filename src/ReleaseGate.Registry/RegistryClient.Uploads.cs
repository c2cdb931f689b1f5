using System.Net;
using System.Net.Http.Headers;

namespace ReleaseGate.Registry;

/// <summary>Blob upload sessions: start (or mount), send the body monolithically or as one streamed PATCH, cancel.</summary>
public sealed partial class RegistryClient
{
    /// <summary>Monolithic upload: POST an upload session, then PUT the whole body with its digest. The stream is not buffered.</summary>
    public async Task UploadBlobAsync(string repository, string digest, Stream content, long length, CancellationToken ct = default)
    {
        var location = await StartUploadAsync(repository, mountFrom: null, digest, ct);
        // Not disposed: that would close the caller's stream, which the caller owns.
        var body = new StreamContent(content, 256 * 1024);
        body.Headers.ContentLength = length;
        await PutUploadAsync(location!, repository, digest, body, ct);
    }

    /// <summary>Returns the upload location, or null when the cross-repository mount succeeded (201; a 202 starts a plain upload).</summary>
    internal async Task<Uri?> StartUploadAsync(string repository, string? mountFrom, string digest, CancellationToken ct)
    {
        var query = mountFrom is null ? "" : $"?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(mountFrom)}";
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint.BaseAddress, $"/v2/{repository}/blobs/uploads/{query}")),
            repository, push: true, ct);
        await EnsureSuccessAsync(response, $"POST blob upload {repository}", ct);
        if (mountFrom is not null && response.StatusCode == HttpStatusCode.Created)
            return null;
        return Absolute(response.Headers.Location
            ?? throw new RegistryException($"The registry {Endpoint.Authority} started an upload to {repository} without a Location.", false));
    }

    /// <summary>Completes the session with the whole body in one PUT (or, with an empty body, after a PATCH).</summary>
    internal async Task PutUploadAsync(Uri location, string repository, string digest, HttpContent? body, CancellationToken ct)
    {
        var separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
        var uri = new Uri(location.AbsoluteUri + separator + "digest=" + Uri.EscapeDataString(digest));
        var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = body ?? new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        // The body is a one-shot stream: it cannot be replayed after a 401 or a 5xx, so it relies on the auth the POST
        // established and on the blob-level retry, which starts a new session from a re-opened source.
        using var response = await SendAsync(() => request, repository, push: true, ct, replayable: body is null);
        await EnsureSuccessAsync(response, $"PUT blob {repository}@{digest}", ct);
    }

    /// <summary>Sends the whole body as one streamed PATCH; returns the location to complete the session at.</summary>
    internal async Task<Uri> PatchUploadAsync(Uri location, string repository, string digest, HttpContent body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = body };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(() => request, repository, push: true, ct, replayable: false);
        await EnsureSuccessAsync(response, $"PATCH blob {repository}@{digest}", ct);
        return response.Headers.Location is { } next ? Absolute(next) : location;
    }

    /// <summary>Best effort: a session left open is garbage-collected by the registry anyway.</summary>
    internal async Task CancelUploadAsync(Uri location, string repository)
    {
        try
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, location), repository, push: true, CancellationToken.None);
        }
        catch (RegistryException)
        {
            // Nothing to do: the failure that led here is the one worth reporting.
        }
    }

    private Uri Absolute(Uri location) => location.IsAbsoluteUri ? location : new Uri(Endpoint.BaseAddress, location);
}
