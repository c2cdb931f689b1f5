namespace ReleaseGate.Registry;

/// <summary>
/// Puts one blob into the target repository: skipped when the target has it (HEAD), mounted when source and
/// target are the same registry, otherwise streamed from a freshly opened source and verified on the way.
/// </summary>
internal sealed class BlobTransfer(RegistryClient source, string sourceRepository, RegistryClient target, string targetRepository,
    CopyOptions options, Action<long> onBytesSent)
{
    private readonly bool _sameRegistry = Uri.Compare(source.Endpoint.BaseAddress, target.Endpoint.BaseAddress,
        UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    public async Task<BlobCopyOutcome> CopyAsync(string digest, long size, CancellationToken ct)
    {
        // HEAD first also makes a copy resumable: after an interrupted copy only the missing blobs move.
        if (await target.BlobExistsAsync(targetRepository, digest, ct))
            return BlobCopyOutcome.AlreadyPresent;
        // The whole transfer is the unit of retry: a streamed body cannot be replayed, the source can be re-opened.
        return await target.BlobPipeline.ExecuteAsync(async token => await TransferOnceAsync(digest, size, token), ct);
    }

    private async Task<BlobCopyOutcome> TransferOnceAsync(string digest, long size, CancellationToken ct)
    {
        var location = await target.StartUploadAsync(targetRepository, _sameRegistry ? sourceRepository : null, digest, ct);
        if (location is null)
            return BlobCopyOutcome.Mounted;

        long sent = 0;
        try
        {
            using var blob = await source.GetBlobAsync(sourceRepository, digest, ct);
            var stream = await blob.Content.ReadAsStreamAsync(ct);
            // The descriptor's size, not the source's Content-Length, is what the bytes must match.
            using var content = new VerifyingBlobContent(stream, digest, size, options.BufferSize, n =>
            {
                sent += n;
                onBytesSent(n);
            });
            try
            {
                if (options.UploadMode == BlobUploadMode.Monolithic)
                {
                    await target.PutUploadAsync(location, targetRepository, digest, content, ct);
                }
                else
                {
                    var next = await target.PatchUploadAsync(location, targetRepository, digest, content, ct);
                    await target.PutUploadAsync(next, targetRepository, digest, null, ct);
                }
            }
            catch (Exception) when (content.Refusal is { } refusal)
            {
                throw refusal;
            }
            return BlobCopyOutcome.Uploaded;
        }
        catch
        {
            onBytesSent(-sent); // a retry sends them again
            await target.CancelUploadAsync(location, targetRepository);
            throw;
        }
    }
}
