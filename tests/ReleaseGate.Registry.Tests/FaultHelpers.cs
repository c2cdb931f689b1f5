using System.Net;

namespace ReleaseGate.Registry.Tests;

/// <summary>Passes requests to the real registry; a blob body breaks after 64 KiB when <c>breakNow</c> says so.</summary>
public sealed class BreakingBody(Func<bool> breakNow) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Contains("/blobs/sha256:")
            && response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentLength > 65536 && breakNow())
        {
            var inner = await response.Content.ReadAsStreamAsync(ct);
            var headers = response.Content.Headers.ToList();
            response.Content = new StreamContent(new Breaking(inner));
            foreach (var (name, values) in headers)
                response.Content.Headers.TryAddWithoutValidation(name, values);
        }
        return response;
    }

    private sealed class Breaking(Stream inner) : Stream
    {
        private long _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_read >= 65536)
                throw new IOException("The connection was reset (injected).");
            var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, 65536 - _read)], ct);
            _read += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
