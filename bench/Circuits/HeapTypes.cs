using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Runtime;

namespace Circuits;

/// <summary>
/// BENCH_HEAP=1: a heap dump of the portal at idle and with the circuits open, and the types whose live bytes grew most
/// between them, per circuit: where a circuit's memory goes.
/// </summary>
public static class HeapTypes
{
    public static bool Wanted => Environment.GetEnvironmentVariable("BENCH_HEAP") == "1";

    public static Dictionary<string, (long Count, long Bytes)> Take(int pid, string folder, string name)
    {
        var path = Path.Combine(folder, $"{name}.dmp");
        new DiagnosticsClient(pid).WriteDump(DumpType.WithHeap, path);
        try
        {
            using var target = DataTarget.LoadDump(path);
            // The portal runs on the same shared runtime as this program: its DAC is beside our System.Private.CoreLib.
            var dac = Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "libmscordaccore.so");
            using var runtime = target.ClrVersions[0].CreateRuntime(dac, ignoreMismatch: true);
            // Only objects reachable from roots: the dump is taken after our forced GC, but this leaves no doubt.
            var live = new HashSet<ulong>();
            var stack = new Stack<ClrObject>(runtime.Heap.EnumerateRoots().Select(r => r.Object).Where(o => o.IsValid));
            var sizes = new Dictionary<string, (long Count, long Bytes)>();
            while (stack.TryPop(out var o))
            {
                if (!live.Add(o.Address)) continue;
                var type = o.Type?.Name ?? "?";
                // Render trees by size: "RenderTreeFrame[] 12 KiB" tells a big component's tree from many small ones.
                if (type.StartsWith("Microsoft.AspNetCore.Components.RenderTree.RenderTreeFrame[]", StringComparison.Ordinal)) type += $" {o.Size / 1024} KiB";
                var (count, bytes) = sizes.GetValueOrDefault(type);
                sizes[type] = (count + 1, bytes + (long)o.Size);
                foreach (var child in o.EnumerateReferences()) if (child.IsValid && !live.Contains(child.Address)) stack.Push(child);
            }
            return sizes;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Namespace(string type)
    {
        var generic = type.IndexOf('<');
        var name = generic >= 0 ? type[..generic] : type;
        var parts = name.Split('.');
        return parts.Length <= 2 ? name : string.Join('.', parts.Take(parts.Length - 1).Take(4));
    }

    public static void PrintGrowth(Dictionary<string, (long Count, long Bytes)> idle, Dictionary<string, (long Count, long Bytes)> loaded, int circuits)
    {
        Console.WriteLine($"live bytes per circuit by type (top 40 of the growth between idle and {circuits} more circuits):");
        var growth = loaded.Select(t => (Type: t.Key, Count: t.Value.Count - idle.GetValueOrDefault(t.Key).Count, Bytes: t.Value.Bytes - idle.GetValueOrDefault(t.Key).Bytes))
            .OrderByDescending(t => t.Bytes).Take(40);
        foreach (var t in growth)
            Console.WriteLine($"  {t.Bytes / (double)circuits / 1024,8:F1} KiB {t.Count / (double)circuits,8:F1} objects  {t.Type}");
        if (Environment.GetEnvironmentVariable("BENCH_TYPES") is { Length: > 0 } pattern)
            foreach (var t in loaded.Where(t => t.Key.Contains(pattern, StringComparison.Ordinal) && t.Value.Count > idle.GetValueOrDefault(t.Key).Count))
                Console.WriteLine($"  {pattern}: {(t.Value.Count - idle.GetValueOrDefault(t.Key).Count) / (double)circuits:F1} × {t.Key}");
        // The long tail by namespace: what the circuit's plumbing (SignalR, DI, pipes) holds beside the render trees.
        var byNamespace = loaded.Select(t => (Ns: Namespace(t.Key), Bytes: t.Value.Bytes - idle.GetValueOrDefault(t.Key).Bytes))
            .GroupBy(t => t.Ns).Select(g => (Ns: g.Key, Bytes: g.Sum(t => t.Bytes))).OrderByDescending(g => g.Bytes).Take(15);
        Console.WriteLine("  by namespace: " + string.Join(", ", byNamespace.Select(g => $"{g.Ns} {g.Bytes / (double)circuits / 1024:F1}")));
        // Components are what a page can change: each holds two render trees for the whole life of the tab.
        var components = loaded.Where(t => t.Key.StartsWith("MudBlazor.Mud", StringComparison.Ordinal) || t.Key.StartsWith("ReleaseGate.Web.Components", StringComparison.Ordinal)
                || t.Key.StartsWith("Microsoft.AspNetCore.Components.Authorization", StringComparison.Ordinal) || t.Key.StartsWith("Microsoft.AspNetCore.Components.Routing", StringComparison.Ordinal))
            .Select(t => (Type: t.Key, Count: (t.Value.Count - idle.GetValueOrDefault(t.Key).Count) / (double)circuits)).Where(t => t.Count >= 0.9)
            .OrderByDescending(t => t.Count);
        Console.WriteLine("  component-like objects per circuit: " + string.Join(", ", components.Select(t => $"{t.Type.Replace("MudBlazor.", "").Replace("ReleaseGate.Web.Components.", "")} {t.Count:F0}")));
        Console.WriteLine($"  total: {(loaded.Values.Sum(v => v.Bytes) - idle.Values.Sum(v => v.Bytes)) / (double)circuits / 1024:F1} KiB live per circuit");
    }
}
