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

    public static async Task<double> SkopeoCopyAsync(string from, string to)
    {
        // A fresh HOME per run gives skopeo an empty blob-info cache; otherwise it mounts blobs from the
        // previous repetition's repository instead of copying them (setpriv: as root it would use /var/lib/containers).
        var home = Directory.CreateTempSubdirectory("bench-skopeo-");
        if (!OperatingSystem.IsWindows())
            home.UnixFileMode = (UnixFileMode)0b111_111_111;
        try
        {
            var info = new ProcessStartInfo("setpriv") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", $"HOME={home.FullName}",
                         "skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{from}", $"docker://{to}" })
                info.ArgumentList.Add(arg);
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var seconds = watch.Elapsed.TotalSeconds;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"skopeo failed: {await output}{await error}");
            return seconds;
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
