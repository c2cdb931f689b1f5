namespace ReleaseGate.Core.Users;

/// <summary>
/// Who a use case acts for: a person by user name (resolved from the database on every call), or the operator's
/// command line on the server (<c>releasegate admin …</c>), which has shell access to the database anyway.
/// </summary>
public readonly record struct Acting(string Name, bool IsCommandLine)
{
    public static readonly Acting CommandLine = new("cli", true);

    public static implicit operator Acting(string userName) => new(userName, false);

    public override string ToString() => Name;
}
