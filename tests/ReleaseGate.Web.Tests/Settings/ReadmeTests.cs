using System.Reflection;
using System.Text.RegularExpressions;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Tests;

public partial class ReadmeTests
{
    [GeneratedRegex(@"^\|\s*`(ReleaseGate__[A-Za-z0-9_]+)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex VariableRow();

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ReleaseGate.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ReleaseGate.sln not found above the test folder");
    }

    /// <summary>Every public settable property of every settings class, spelled as the environment variable.</summary>
    public static IEnumerable<string> SettingsVariables() =>
        typeof(ISettings).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISettings).IsAssignableFrom(t))
            .SelectMany(t =>
            {
                var section = (string)t.GetProperty(nameof(ISettings.Section), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
                return t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
                    .Select(p => SettingsCheck.VariableName(section, p.Name));
            });

    [Fact]
    public void The_readme_table_lists_exactly_the_settings()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var documented = VariableRow().Matches(readme).Select(m => m.Groups[1].Value).ToHashSet();
        var actual = SettingsVariables().ToHashSet();

        Assert.Empty(actual.Except(documented).Order()); // a setting with no row
        Assert.Empty(documented.Except(actual).Order()); // a row naming no setting
    }
}
