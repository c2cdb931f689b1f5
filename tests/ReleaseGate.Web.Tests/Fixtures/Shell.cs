using System.Diagnostics;

namespace ReleaseGate.Web.Tests;

/// <summary>Runs a command line with bash in a folder, as a Jenkins `sh` step does, with the Jenkins client's settings in its environment.</summary>
public static class Shell
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string command, string workspace, IReadOnlyDictionary<string, string> env)
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = workspace, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromMinutes(3), ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The `sh` commands the Jenkinsfile runs in a stage, as tests/jenkinsfile/list.sh lists them.</summary>
    public static async Task<(List<string> Lines, List<string> Commands)> JenkinsfileStageAsync(string stage, string workspace)
    {
        var listed = await RunAsync($"bash {Path.Combine(ReadmeTests.RepoRoot(), "tests", "jenkinsfile", "list.sh")}", workspace, new Dictionary<string, string>());
        Assert.True(listed.Exit == 0, listed.Err);
        var lines = listed.Out.Split('\n').ToList();
        return (lines, lines.Where(l => l.StartsWith($"SH\t{stage}\t")).Select(l => l.Split('\t', 3)[2]).ToList());
    }
}
