namespace ReleaseGate.Registry;

/// <summary>Counts bytes and blobs from parallel transfers; reports each finished blob and every few MiB, never per buffer.</summary>
internal sealed class ProgressMeter(IProgress<CopyProgress>? progress, long bytesTotal, int blobsTotal)
{
    private readonly long _step = Math.Max(8L * 1024 * 1024, bytesTotal / 100);
    private long _bytes;
    private int _blobs;
    private long _lastReported;

    public void AddBytes(long count)
    {
        var now = Interlocked.Add(ref _bytes, count);
        var last = Interlocked.Read(ref _lastReported);
        if (now - last >= _step && Interlocked.CompareExchange(ref _lastReported, now, last) == last)
            Report(now, Volatile.Read(ref _blobs));
    }

    /// <summary>A blob is in place; <paramref name="untransferredBytes"/> is its size when it was skipped or mounted.</summary>
    public void BlobDone(long untransferredBytes)
    {
        var bytes = Interlocked.Add(ref _bytes, untransferredBytes);
        var blobs = Interlocked.Increment(ref _blobs);
        Interlocked.Exchange(ref _lastReported, bytes);
        Report(bytes, blobs);
    }

    private void Report(long bytes, int blobs) => progress?.Report(new CopyProgress(bytes, bytesTotal, blobs, blobsTotal));
}
