using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ReleaseGate.Registry;

/// <summary>host[:port]/path[:tag][@sha256:…], following the distribution reference grammar.</summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public string RepositoryReference => $"{Registry}/{Repository}";

    public override string ToString() =>
        RepositoryReference + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        error = Check(text?.Trim(), out var parsed);
        reference = parsed;
        return error is null;
    }

    private static string? Check(string? text, out ImageReference? reference)
    {
        reference = null;
        if (string.IsNullOrEmpty(text))
            return "The image reference is empty.";
        if (text.Any(char.IsWhiteSpace))
            return $"The image reference '{text}' contains white space.";

        var rest = text;
        string? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!DigestRegex().IsMatch(digest))
                return $"The digest '{digest}' in '{text}' is not valid: expected 'sha256:' followed by 64 lower-case hex digits.";
        }

        var slash = rest.IndexOf('/');
        var host = slash < 0 ? rest : rest[..slash];
        if (slash < 0 || !(host.Contains('.') || host.Contains(':') || host == "localhost"))
            return $"'{text}' does not name a registry host: write it as host[:port]/repository[:tag], e.g. 127.0.0.1:5001/orders-api:1.4.2.";
        if (!HostRegex().IsMatch(host))
            return $"The registry host '{host}' in '{text}' is not a valid host name or host:port.";

        var path = rest[(slash + 1)..];
        string? tag = null;
        var colon = path.LastIndexOf(':');
        if (colon > path.LastIndexOf('/'))
        {
            tag = path[(colon + 1)..];
            path = path[..colon];
            if (tag.Length == 0)
                return $"The tag in '{text}' is empty: remove the ':' or write a tag after it.";
            if (!TagRegex().IsMatch(tag))
                return $"The tag '{tag}' in '{text}' is not valid: a tag is 1 to 128 letters, digits, '_', '.' or '-', and cannot start with '.' or '-'.";
        }

        if (path.Length == 0)
            return $"'{text}' names no repository after the registry host.";
        foreach (var component in path.Split('/'))
        {
            if (component.Length == 0)
                return $"The repository '{path}' in '{text}' has an empty path component ('//' or a trailing '/').";
            if (component.Any(char.IsUpper))
                return $"The repository '{path}' in '{text}' contains upper-case letters: repository names must be lower-case.";
            if (!PathComponentRegex().IsMatch(component))
                return $"The repository path component '{component}' in '{text}' is not valid: use lower-case letters and digits, separated by '.', '_', '__' or dashes.";
        }
        if (host.Length + 1 + path.Length > 255)
            return $"The repository name in '{text}' is longer than 255 characters.";

        reference = new ImageReference(host, path, tag, digest);
        return null;
    }

    [GeneratedRegex(@"^sha256:[a-f0-9]{64}$")]
    private static partial Regex DigestRegex();

    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]{1,5})?$")]
    private static partial Regex HostRegex();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex PathComponentRegex();
}
