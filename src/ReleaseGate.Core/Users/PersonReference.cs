namespace ReleaseGate.Core.Users;

/// <summary>
/// A person as Jenkins names them in a submitter or a commit author: git's <c>Name &lt;email&gt;</c> (what
/// scripts/jenkins/changes.sh writes), a bare e-mail, or a user name. Every rule that asks "is this that person?" reads
/// the text here, so the four-eyes rules cannot be dodged by the form Jenkins happens to send.
/// </summary>
public readonly record struct PersonReference(string? Email, string? UserName)
{
    public static PersonReference Parse(string? text)
    {
        var t = text?.Trim() ?? "";
        var open = t.LastIndexOf('<');
        if (t.EndsWith('>') && open >= 0)
        {
            var email = t[(open + 1)..^1].Trim();
            if (email.Contains('@')) return new(email, null);
            // "Name <>" (git allows an empty e-mail): only the name is left to go by.
            t = t[..open].Trim().Trim('"').Trim();
        }
        if (t.Length == 0) return default;
        return t.Contains('@') ? new(t, null) : new(null, t);
    }

    public bool IsEmpty => Email is null && UserName is null;

    /// <summary>
    /// Whether this names the account: its e-mail (or its user name, which in the portal is usually the e-mail) when an
    /// e-mail was given, else its user name. A display name never decides: two people may share one.
    /// </summary>
    public bool Names(string? accountUserName, string? accountEmail) =>
        Email is not null ? Same(Email, accountEmail) || Same(Email, accountUserName)
        : UserName is not null && Same(UserName, accountUserName);

    private static bool Same(string a, string? b) => b is not null && string.Equals(a, b.Trim(), StringComparison.OrdinalIgnoreCase);
}
