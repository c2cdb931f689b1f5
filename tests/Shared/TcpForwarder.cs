using System.Net;
using System.Net.Sockets;

namespace ReleaseGate.Testing;

/// <summary>
/// Forwards 127.0.0.1:<c>port</c> to 127.0.0.1:<c>to</c>: a registry that "comes back" on a port that refused
/// connections; or, given <c>held</c>, one that accepts connections but answers nothing until <c>held</c> completes
/// (a stalled registry: a copy hangs mid-promotion, then goes on). Linked into the Registry and Web tests.
/// </summary>
public sealed class TcpForwarder : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();

    private TcpForwarder(int port, int to, Task held)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _ = AcceptAsync(to, held);
    }

    public static TcpForwarder Start(int port, int to, Task? held = null) => new(port, to, held ?? Task.CompletedTask);

    private async Task AcceptAsync(int to, Task held)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using var c = client;
                using var upstream = new TcpClient();
                try
                {
                    await held.WaitAsync(_stop.Token); // the request waits in the socket's buffer meanwhile
                    await upstream.ConnectAsync(IPAddress.Loopback, to);
                    var a = c.GetStream();
                    var b = upstream.GetStream();
                    await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { } // a client gone (killed) while held
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
