namespace ReleaseGate.Core;

/// <summary>
/// A list's text filter as it is compared: trimmed and lowered, or null when empty. Queries compare it with a lowered
/// column (<c>c.Version.ToLower().Contains(filter)</c>) so case is ignored alike on SQLite and PostgreSQL: SQLite's LIKE
/// ignores (ASCII) case but EF turns Contains into a case-sensitive instr(), and PostgreSQL's LIKE minds case; ILIKE or
/// citext would tie Core to Npgsql, and nondeterministic collations cannot LIKE before PostgreSQL 18. A substring search
/// scans the rows whatever the collation, so lower() costs no index.
/// </summary>
public static class TextFilter
{
    public static string? Of(string? filter) => filter?.Trim().ToLowerInvariant() is { Length: > 0 } f ? f : null;
}
