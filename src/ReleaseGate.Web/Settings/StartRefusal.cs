using ReleaseGate.Web.Applications;

namespace ReleaseGate.Web.Settings;

/// <summary>
/// A start refused for a bad setting or applications file ends with one line per problem on stderr, each naming the
/// variable (or file and line), and exit code 2, as a usage error: a stack trace would bury the one line that matters.
/// Only an exception nothing caught gets here, so a test host that starts the portal in-process still sees it thrown.
/// </summary>
public static class StartRefusal
{
    public const int ExitCode = 2;

    public static void ExitOnBadConfiguration() => AppDomain.CurrentDomain.UnhandledException += (_, e) =>
    {
        if (Lines(e.ExceptionObject as Exception) is not { } lines) return;
        foreach (var line in lines) Console.Error.WriteLine($"releasegate: {line}");
        Console.Error.Flush();
        Environment.Exit(ExitCode);
    };

    public static IReadOnlyList<string>? Lines(Exception? e) => e switch
    {
        InvalidSettingsException settings => settings.Problems,
        ApplicationsFileException file => file.Message.Split('\n'),
        AggregateException { InnerExceptions.Count: 1 } one => Lines(one.InnerException),
        _ => null,
    };
}
