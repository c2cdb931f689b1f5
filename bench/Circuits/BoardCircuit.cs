using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Circuits;

/// <summary>
/// One open board tab, as blazor.web.js opens it: the prerendered page (its component markers and persisted state), a
/// "blazorpack" hub connection to /_blazor with the sign-in cookie, StartCircuit, then UpdateRootComponents adding each
/// prerendered root. Render batches are acknowledged and JS calls answered, so the circuit lives as a browser's would.
/// </summary>
public sealed partial class BoardCircuit(Uri portal, CookieContainer cookies) : IAsyncDisposable
{
    private HubConnection? hub;
    private readonly TaskCompletionSource rendered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int batches;

    public int Batches => batches;

    /// <summary>The JS functions the circuits called, and how often: each argument type costs a circuit its own JSON metadata.</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<string, int> JsCalls { get; } = new();
    public string? Error { get; private set; }

    /// <summary>Opens the circuit and waits for a render batch that carries the board's rows.</summary>
    public async Task OpenAsync(HttpClient http, TimeSpan timeout, CancellationToken ct)
    {
        var html = await http.GetStringAsync(portal, ct);
        var markers = Marker().Matches(html).Select(m => m.Groups[1].Value).Where(j => j.Contains("\"descriptor\"", StringComparison.Ordinal)).ToList();
        if (markers.Count == 0) throw new InvalidOperationException("The board page has no interactive component marker (signed out?)");
        var state = State().Match(html) is { Success: true } s ? s.Groups[1].Value : "";

        var builder = new HubConnectionBuilder().WithUrl(new Uri(portal, "_blazor"), o =>
        {
            o.Cookies = cookies;
            o.Transports = HttpTransportType.WebSockets;
        });
        // The component hub accepts only "blazorpack": MessagePack under Blazor's own name.
        builder.Services.RemoveAll<IHubProtocol>();
        builder.Services.AddSingleton<IHubProtocol, BlazorPack>();
        hub = builder.Build();
        hub.ServerTimeout = TimeSpan.FromMinutes(5);

        hub.On<long, byte[]>("JS.RenderBatch", async (id, data) =>
        {
            Interlocked.Increment(ref batches);
            // The board's rows and their countdowns are in the batch's string table: the circuit rendered the board
            // itself, not a spinner.
            if (data.AsSpan().IndexOf("board-row"u8) >= 0 && data.AsSpan().IndexOf("countdown"u8) >= 0) rendered.TrySetResult();
            await hub.SendAsync("OnRenderCompleted", id, null);
        });
        // .NET 10: (taskId, identifier, argsJson, resultType, targetInstanceId, callType); 0 is a call that wants no answer.
        hub.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long), typeof(int)], async args =>
        {
            var (task, identifier) = ((long)args[0]!, (string)args[1]!);
            JsCalls.AddOrUpdate(identifier, 1, (_, n) => n + 1);
            if (task == 0) return;
            var result = identifier == "releaseGate.timeZone" ? JsonValue.Create("UTC") : null;
            await hub.SendAsync("EndInvokeJSFromDotNet", task, true, new JsonArray(task, true, result).ToJsonString());
        });
        hub.On("JS.EndUpdateRootComponents", [typeof(long)], _ => Task.CompletedTask);
        hub.On("JS.AttachComponent", [typeof(int), typeof(string)], _ => Task.CompletedTask);
        hub.On<string>("JS.Error", e => { Error ??= e; rendered.TrySetException(new InvalidOperationException($"the circuit failed: {e}")); });
        hub.Closed += e => { rendered.TrySetException(new InvalidOperationException($"the connection closed: {e?.Message}")); return Task.CompletedTask; };

        await hub.StartAsync(ct);
        var circuit = await hub.InvokeAsync<string?>("StartCircuit", new Uri(portal, "/").ToString(), portal.ToString(), "[]", "", ct);
        if (string.IsNullOrEmpty(circuit)) throw new InvalidOperationException("StartCircuit was refused");
        var operations = new JsonArray([.. markers.Select((m, i) => (JsonNode)new JsonObject
        {
            ["type"] = "add", ["ssrComponentId"] = i + 1, ["marker"] = JsonNode.Parse(m),
        })]);
        await hub.SendAsync("UpdateRootComponents", new JsonObject { ["batchId"] = 1, ["operations"] = operations }.ToJsonString(), state, ct);
        await rendered.Task.WaitAsync(timeout, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (hub is not null) await hub.DisposeAsync();
    }

    [GeneratedRegex(@"<!--Blazor:(\{.*?\})-->", RegexOptions.Singleline)]
    private static partial Regex Marker();

    [GeneratedRegex(@"<!--Blazor-Server-Component-State:(.*?)-->", RegexOptions.Singleline)]
    private static partial Regex State();

    private sealed class BlazorPack : IHubProtocol
    {
        private readonly MessagePackHubProtocol inner = new();
        public string Name => "blazorpack";
        public int Version => inner.Version;
        public TransferFormat TransferFormat => TransferFormat.Binary;
        public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);
        public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message) =>
            inner.TryParseMessage(ref input, binder, out message);
        public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);
        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);
    }
}
