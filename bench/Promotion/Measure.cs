using System.Diagnostics;

/// <summary>Timing, memory and the skopeo reference.</summary>
static class Measure
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static async Task<double> SecondsAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalSeconds;
    }

    // Linux: writing 5 to clear_refs resets VmHWM, so each copy's peak is its own, not the image build's.
    public static void ResetPeakRss() => File.WriteAllText("/proc/self/clear_refs", "5");

    public static long PeakRss() => Status("VmHWM:");

    public static long Rss() => Status("VmRSS:");

    public static string MiB(long bytes) => $"{bytes / 1048576.0:F1} MiB";

    private static long Status(string key) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key))[key.Length..].Replace("kB", "").Trim()) * 1024;

    /// <summary>CPU seconds so far of this process, of its waited-for children (skopeo), and of the two registries.</summary>
    public static (double Self, double Children, double Staging, double Production) Cpu()
    {
        static double[] Ticks(string pid)
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the 3rd on
            return [.. fields[11..15].Select(f => double.Parse(f) / 100)]; // utime stime cutime cstime
        }
        static double Registry(string name) =>
            File.ReadAllText($"/var/lib/releasegate-infra/registry-{name}.pid").Trim() is var pid && Ticks(pid) is var t ? t[0] + t[1] : 0;
        var self = Ticks("self");
        return (self[0] + self[1], self[2] + self[3], Registry("staging"), Registry("production"));
    }

    public static string CpuSince((double Self, double Children, double Staging, double Production) start)
    {
        var now = Cpu();
        return $"CPU s: this process {now.Self - start.Self:F2}, skopeo {now.Children - start.Children:F2}, " +
               $"staging registry {now.Staging - start.Staging:F2}, production registry {now.Production - start.Production:F2}";
    }

    public static async Task<double> SkopeoCopyAsync(string from, string to)
    {
        // A fresh HOME per run gives skopeo an empty blob-info cache; otherwise it mounts blobs from the
        // previous repetition's repository instead of copying them (setpriv: as root it would use /var/lib/containers).
        var home = Directory.CreateTempSubdirectory("bench-skopeo-");
        if (!OperatingSystem.IsWindows())
            home.UnixFileMode = (UnixFileMode)0b111_111_111;
        try
        {
            // Output goes to a file, not a pipe this process reads: the harness should cost the machine nothing while skopeo runs.
            var log = Path.Combine(home.FullName, "skopeo.log");
            var info = new ProcessStartInfo("sh");
            foreach (var arg in new[] { "-c", "exec \"$@\" >\"$0\" 2>&1", log, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env",
                         $"HOME={home.FullName}", "skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{from}", $"docker://{to}" })
                info.ArgumentList.Add(arg);
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(info)!;
            await process.WaitForExitAsync();
            var seconds = watch.Elapsed.TotalSeconds;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"skopeo failed: {await File.ReadAllTextAsync(log)}");
            return seconds;
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
