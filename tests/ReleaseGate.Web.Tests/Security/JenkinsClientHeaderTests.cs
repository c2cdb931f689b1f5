using System.Diagnostics;

namespace ReleaseGate.Web.Tests;

/// <summary>The Jenkins client puts values in request headers: a newline in one must not add headers of its own.</summary>
public class JenkinsClientHeaderTests
{
    [Theory]
    [InlineData("application", "demo\nX-Evil: 1")]
    [InlineData("key", "jenkins\r\nX-Evil: 1")]
    public async Task Control_characters_in_header_values_are_refused_before_any_call(string which, string value)
    {
        var script = Path.Combine(ReadmeTests.RepoRoot(), "scripts", "jenkins", "releasegate.sh");
        var start = new ProcessStartInfo("bash", [script, "report-build", "--application", which == "application" ? value : "demo",
            "--status", "failed", "--build-number", "1", "--build-url", "https://jenkins.example.com/job/demo/1/"])
        { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["RELEASEGATE_URL"] = "http://127.0.0.1:9"; // nothing listens: a call would fail differently
        start.Environment["RELEASEGATE_KEY_ID"] = which == "key" ? value : "jenkins";
        start.Environment["RELEASEGATE_SECRET"] = "a-long-test-secret-of-jenkins";
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("control characters", stderr);
    }
}
