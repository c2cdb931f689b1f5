using System.Buffers;
using System.Net;
using System.Security.Cryptography;

namespace ReleaseGate.Registry;

/// <summary>
/// A blob body streamed from the source to the target and hashed on the way, never held whole in memory.
/// The last chunk is held back until the hash is known: a blob whose bytes do not hash to its digest is never sent
/// complete, so no registry can commit it under that digest (the request fails instead).
/// </summary>
internal sealed class VerifyingBlobContent(Stream source, string digest, long length, int bufferSize, Action<long> onBytesSent) : HttpContent
{
    /// <summary>Set when the bytes were refused; the HTTP stack may wrap the exception, so callers look here.</summary>
    public RegistryException? Refusal { get; private set; }

    protected override bool TryComputeLength(out long computed)
    {
        computed = length;
        return true;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var pendingBuffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        var readBuffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            var pending = 0;
            long total = 0;
            while (true)
            {
                var read = await ReadChunkAsync(readBuffer, ct);
                if (read == 0)
                    break;
                total += read;
                if (total > length)
                    throw Refuse($"more than the {length} bytes its descriptor gives");
                hash.AppendData(readBuffer, 0, read);
                if (pending > 0)
                {
                    await stream.WriteAsync(pendingBuffer.AsMemory(0, pending), ct);
                    onBytesSent(pending);
                }
                (pendingBuffer, readBuffer) = (readBuffer, pendingBuffer);
                pending = read;
            }
            if (total != length)
                throw Refuse($"{total} bytes instead of the {length} its descriptor gives");
            var actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != digest)
                throw Refuse($"bytes that hash to {actual}");
            if (pending > 0)
            {
                await stream.WriteAsync(pendingBuffer.AsMemory(0, pending), ct);
                onBytesSent(pending);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pendingBuffer);
            ArrayPool<byte>.Shared.Return(readBuffer);
        }
    }

    // Filling whole buffers keeps writes large (fewer syscalls) whatever sizes the source socket delivers.
    private async ValueTask<int> ReadChunkAsync(byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < bufferSize)
        {
            var read = await source.ReadAsync(buffer.AsMemory(filled, bufferSize - filled), ct);
            if (read == 0)
                break;
            filled += read;
        }
        return filled;
    }

    private RegistryException Refuse(string what) =>
        Refusal = new RegistryException($"The blob {digest} was refused: the source served {what}; it was not committed.", false);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            source.Dispose();
        base.Dispose(disposing);
    }
}
