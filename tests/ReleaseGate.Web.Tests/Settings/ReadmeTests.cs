using System.Reflection;
using System.Text.RegularExpressions;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Tests;

public partial class ReadmeTests
{
    [GeneratedRegex(@"^\|\s*`(ReleaseGate__[A-Za-z0-9_]+)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex VariableRow();

    // A row of the important-files table: | feature | `path` (, `sibling`) | what it does |
    [GeneratedRegex(@"^\|\s*[a-z -]+\s*\|\s*`([^`\s]+)`(?:,\s*`([^`\s]+)`)?\s*\|", RegexOptions.Multiline)]
    private static partial Regex FileRow();

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

    [Fact]
    public void The_readme_names_every_test_project_scripts_test_sh_runs()
    {
        var root = RepoRoot();
        var script = File.ReadAllText(Path.Combine(root, "scripts", "test.sh"));
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var start = readme.IndexOf("`scripts/test.sh` starts", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no account of scripts/test.sh");
        var account = readme[start..readme.IndexOf("\n\n", start, StringComparison.Ordinal)];
        var projects = Regex.Matches(script, @"tests/ReleaseGate\.[A-Za-z0-9.]+").Select(m => m.Value).Distinct().ToList();

        Assert.True(projects.Count >= 6, string.Join(", ", projects));
        Assert.All(projects, p => Assert.Contains($"`{p}`", account));
        // Every project directory under tests/ with a project file is run by the script.
        var onDisk = Directory.GetDirectories(Path.Combine(root, "tests"), "ReleaseGate.*")
            .Where(d => Directory.GetFiles(d, "*.csproj").Length > 0).Select(d => "tests/" + Path.GetFileName(d));
        Assert.Empty(onDisk.Except(projects));
        if (script.Contains("RG_TEST_DATABASE=Postgres")) Assert.Contains("again on PostgreSQL", account);
    }

    [Fact]
    public void Every_file_the_readme_names_exists_once_and_the_architecture_is_linked()
    {
        var root = RepoRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var rows = FileRow().Matches(readme).Select(m => m.Groups[1].Value).ToList();

        Assert.True(rows.Count > 20, $"only {rows.Count} rows found in the important-files table");
        Assert.Empty(rows.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key)); // no duplicate rows
        foreach (var match in FileRow().Matches(readme).Cast<Match>())
        {
            var first = match.Groups[1].Value;
            Assert.True(Exists(root, first), $"README names {first}, which does not exist");
            if (match.Groups[2].Success)
                Assert.True(File.Exists(Path.Combine(root, Path.GetDirectoryName(first)!, match.Groups[2].Value)), $"README names {match.Groups[2].Value} beside {first}");
        }
        Assert.Contains("(docs/architecture.md)", readme);
        Assert.True(File.Exists(Path.Combine(root, "docs", "architecture.md")));
    }

    /// <summary>A file, a folder, or a pattern such as UiText*.cs that matches at least one file.</summary>
    private static bool Exists(string root, string path)
    {
        var full = Path.Combine(root, path);
        if (!path.Contains('*')) return File.Exists(full) || Directory.Exists(full);
        return Directory.GetFiles(Path.GetDirectoryName(full)!, Path.GetFileName(full)).Length > 0;
    }
}
