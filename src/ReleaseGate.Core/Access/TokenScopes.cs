using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Access;

/// <summary>
/// What a personal access token may be used for, chosen when it is made. A token acts with its owner's roles as they are
/// now (<see cref="Permissions"/> still decides), and only for the actions its scopes cover: the table below, beside the
/// role table, is the one place where a scope meets an action.
/// </summary>
public static class TokenScopes
{
    public const string Read = "read";
    public const string SignOff = "sign-off";
    public const string Release = "release";
    public const string Admin = "admin";

    public static readonly string[] All = [Read, SignOff, Release, Admin];

    /// <summary>A token that may administer the portal is short-lived: at most this many days.</summary>
    public const int AdminMaxDays = 30;

    /// <summary>Tokens made before scopes existed keep these: what they were used for, without administering.</summary>
    public static readonly string[] Legacy = [Read, SignOff, Release];

    // Integration-only actions have no scope: no person's token may do them.
    private static readonly Dictionary<PortalAction, string?> Table = new()
    {
        [PortalAction.ReadBoard] = Read,
        [PortalAction.ReadApplications] = Read,
        [PortalAction.ReadCandidates] = Read,
        [PortalAction.ReadReleases] = Read,
        [PortalAction.ReadSchedule] = Read,
        [PortalAction.ReadSwarm] = Read,
        [PortalAction.Approve] = SignOff,
        [PortalAction.Reject] = SignOff,
        [PortalAction.WithdrawApproval] = SignOff,
        [PortalAction.Redeploy] = SignOff,
        [PortalAction.EditSchedule] = Release,
        [PortalAction.RetryPromotion] = Release,
        [PortalAction.ReleaseNow] = Release,
        [PortalAction.Restore] = Release,
        [PortalAction.ResumeRollout] = Release,
        [PortalAction.RollBack] = Release,
        [PortalAction.Scale] = Release,
        [PortalAction.ManageApplications] = Admin,
        [PortalAction.ManageIntegrations] = Admin,
        [PortalAction.ManageUsers] = Admin,
        [PortalAction.RemoveService] = Admin,
        [PortalAction.ReadAudit] = Read,
        [PortalAction.RegisterCandidate] = null,
        [PortalAction.ReportBuild] = null,
        [PortalAction.DeployDevelopment] = null,
    };

    /// <summary>The scope a token needs for <paramref name="action"/>; null when no token may do it (or the table misses it: closed).</summary>
    public static string? For(PortalAction action) => Table.GetValueOrDefault(action);

    /// <summary>Whether the table has a row for <paramref name="action"/> (a test keeps it complete).</summary>
    public static bool Knows(PortalAction action) => Table.ContainsKey(action);

    public static bool Covers(IReadOnlyCollection<string> scopes, PortalAction action) => For(action) is { } scope && scopes.Contains(scope);

    /// <summary>Reads (GET) need <see cref="Read"/>.</summary>
    public static bool CoversReading(IReadOnlyCollection<string> scopes) => scopes.Contains(Read);

    /// <summary>
    /// The scopes of the token the current call came with; null for a page, a job or the command line. Set by the API's
    /// token check around the call, so every use case the call reaches sees them without passing them along.
    /// </summary>
    public static IReadOnlyCollection<string>? OfThisCall => current.Value;

    private static readonly AsyncLocal<IReadOnlyCollection<string>?> current = new();

    /// <summary>Marks the rest of this call (and what it awaits) as made with a token of <paramref name="scopes"/>.</summary>
    public static void ForThisCall(IReadOnlyCollection<string> scopes) => current.Value = scopes;

    /// <summary>The refusal for an action the token's scopes do not cover.</summary>
    public static Refusal Uncovered(IReadOnlyCollection<string> scopes, string what) =>
        new(RefusalCode.OutOfScope, "Authorization",
            $"This token's scopes ({string.Join(", ", scopes)}) do not cover {what}; make a token with the scope it needs.",
            $"此令牌的范围({string.Join(", ", scopes)})不包括{what};请创建具有所需范围的令牌。");
}
