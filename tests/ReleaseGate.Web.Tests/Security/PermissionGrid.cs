using ReleaseGate.Core.Access;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// The permission table as docs/security.md states it, reviewed by people: the matrix expects what the document says,
/// so loosening a row of <see cref="Permissions"/> without changing the document fails, and changing both is a reviewed change.
/// </summary>
public static class PermissionGrid
{
    public const string Begin = "<!-- permissions:begin -->";
    public const string End = "<!-- permissions:end -->";

    public static string DocumentPath => Path.Combine(ReadmeTests.RepoRoot(), "docs", "security.md");

    /// <summary>The table as markdown, one row per action and a column per principal, as the document must hold it.</summary>
    public static string Render()
    {
        var lines = new List<string>
        {
            "| action | " + string.Join(" | ", Principals.All) + " |",
            "|---|" + string.Concat(Principals.All.Select(_ => "---|")),
        };
        lines.AddRange(Enum.GetValues<PortalAction>().Select(a =>
            $"| {a} | " + string.Join(" | ", Principals.All.Select(p => Permissions.Allows(a, p) ? "✓" : "·")) + " |"));
        return string.Join('\n', lines);
    }

    /// <summary>(action, principal) → allowed, read from the document's table.</summary>
    public static Dictionary<(string Action, string Principal), bool> Documented()
    {
        var text = File.ReadAllText(DocumentPath).Replace("\r\n", "\n");
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException($"{DocumentPath} has no {Begin} … {End} table");
        var rows = text[(start + Begin.Length)..end].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
        var header = rows[0];
        var grid = new Dictionary<(string, string), bool>();
        foreach (var row in rows.Skip(2))
            for (var i = 1; i < header.Length; i++) grid[(row[0], header[i])] = row[i] == "✓";
        return grid;
    }

    /// <summary>Whether the document lets <paramref name="principal"/> (a role, "integration", or null for an account with no role) do <paramref name="action"/>.</summary>
    public static bool Allows(PortalAction action, string? principal) =>
        principal is not null && Cached.Value.TryGetValue((action.ToString(), principal), out var allowed) && allowed;

    private static readonly Lazy<Dictionary<(string Action, string Principal), bool>> Cached = new(Documented);
}
