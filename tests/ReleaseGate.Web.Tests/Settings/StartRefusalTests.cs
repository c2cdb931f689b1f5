namespace ReleaseGate.Web.Tests;

/// <summary>
/// The portal as operators start it (its own process, dotnet ReleaseGate.Web.dll): a bad setting or applications file
/// stops it with one line naming the variable (or file and line), no stack trace, and exit code 2.
/// </summary>
public class StartRefusalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Exit, List<string> Output)> StartAsync(Dictionary<string, string> environment)
    {
        var database = Path.Combine(Path.GetTempPath(), $"rg-refused-{Guid.NewGuid():N}.db");
        environment.TryAdd("ReleaseGate__Database__ConnectionString", $"Data Source={database}");
        await using var portal = PortalProcess.Start(environment);
        var exit = await portal.ExitCodeAsync(Ct);
        foreach (var file in new[] { database, database + "-wal", database + "-shm" }) File.Delete(file);
        return (exit, portal.Output.ToList());
    }

    private static void AssertOneLineAndNoStackTrace(List<string> output, string names, string says)
    {
        var line = Assert.Single(output, l => l.Contains(names, StringComparison.Ordinal));
        Assert.StartsWith("releasegate: ", line);
        Assert.Contains(says, line);
        Assert.DoesNotContain(output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Unhandled exception"));
    }

    [Theory]
    [InlineData("ReleaseGate__Smtp__Port", "abc", "is not a valid whole number")]
    [InlineData("ReleaseGate__Security__SessionCheckSeconds", "0", "between 1 and 3600")]
    [InlineData("ReleaseGate__PublicUrl", "not a url", "ReleaseGate__PublicUrl")]
    [InlineData("ReleaseGate__Database__Provider", "Oracle", "must be Sqlite or Postgres")]
    public async Task A_bad_variable_stops_the_start_with_one_line_naming_it_and_exit_code_2(string variable, string value, string says)
    {
        var (exit, output) = await StartAsync(new() { [variable] = value });

        Assert.Equal(2, exit);
        AssertOneLineAndNoStackTrace(output, variable + ":", says);
    }

    [Fact]
    public async Task A_bad_applications_file_stops_the_start_with_its_line_and_exit_code_2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"rg-refused-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, """
            applications:
              - slug: Orders API
                stagingRepository: 127.0.0.1:5001/orders
                productionRepository: 127.0.0.1:5002/orders
                testEnvironment: { containerName: orders-test, publishedPort: 18093 }
            """, Ct);
        try
        {
            var (exit, output) = await StartAsync(new() { ["ReleaseGate__ApplicationsFile"] = file });

            Assert.Equal(2, exit);
            AssertOneLineAndNoStackTrace(output, $"{file}:2: applications[0].slug", "lower-case");
        }
        finally { File.Delete(file); }
    }
}
