using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Storage;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace ReleaseGate.Web.Tests;

/// <summary>A real SMTP server in the test process, on a loopback port; it can be stopped and started again.</summary>
public sealed class MailSink : IAsyncDisposable
{
    private SmtpServer.SmtpServer? server;
    private CancellationTokenSource? running;

    public int Port { get; } = FreePort();
    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    // Below the kernel's ephemeral range (32768+): a port the kernel handed out there (bind to 0) is free only for that
    // moment; an outgoing connection or another bind-to-0 may take it before a test container publishes it much later.
    // Each process starts at its own random place and walks on, so concurrent test processes rarely try the same port.
    private const int FirstPort = 20000, PortCount = 12000;
    private static int nextPort = Random.Shared.Next(PortCount);

    public static int FreePort()
    {
        for (var tries = 0; ; tries++)
        {
            var port = FirstPort + (int)((uint)Interlocked.Increment(ref nextPort) % PortCount);
            try
            {
                using var listener = new TcpListener(IPAddress.Any, port);
                listener.Start();
                return port;
            }
            catch (SocketException) when (tries < PortCount)
            {
            }
        }
    }

    public MailSink Start()
    {
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(Received));
        server = new SmtpServer.SmtpServer(options, services);
        running = new CancellationTokenSource();
        _ = server.StartAsync(running.Token);
        return this;
    }

    public async Task StopAsync()
    {
        if (server is null) return;
        server.Shutdown();
        running!.Cancel();
        try { await server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { /* already down */ }
        server = null;
    }

    public async Task<List<MimeMessage>> WaitForAsync(int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Received.Count < count && DateTime.UtcNow < until) await Task.Delay(100);
        return [.. Received];
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private sealed class Store(ConcurrentQueue<MimeMessage> received) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            received.Enqueue(await MimeMessage.LoadAsync(stream, ct));
            return SmtpResponse.Ok;
        }
    }
}
