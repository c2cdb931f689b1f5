using System.Globalization;

namespace ReleaseGate.Core;

/// <summary>
/// What a use case answers: done with a value, or refused. Pages show the refusal's text in the viewer's
/// language; the API maps its code to a status in one place. Exceptions are kept for the unexpected.
/// </summary>
public readonly record struct Outcome<T>
{
    public T? Value { get; }
    public Refusal? Refusal { get; }
    public bool IsRefused => Refusal is not null;

    private Outcome(T? value, Refusal? refusal) => (Value, Refusal) = (value, refusal);

    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Refusal refusal) => new(default, refusal);
}

/// <summary>The value of an outcome that has nothing to say but "done".</summary>
public readonly record struct Done;

/// <summary>Stable reasons for a refusal; their names are the API's problem types.</summary>
public enum RefusalCode
{
    NotFound,
    Invalid,
    UnknownActor,
    AccountDisabled,
    MissingRole,
    Submitter,
    CommitAuthor,
    ChangedMeanwhile,
    WrongPhase,
    WrongDigest,
    AlreadyVoted,
    NothingToWithdraw,
    UnknownApplication,
    WrongRepository,
    ImageNotFound,
    DigestMismatch,
    AlreadyExists,
    LastAdmin,
    ManagedByFile,
    Frozen,
    /// <summary>A Swarm service the portal did not make and no application declares: read-only.</summary>
    NotManaged,
    NoDevelopmentEnvironment,
    /// <summary>A provider login that no account is linked to, while an account with its e-mail exists.</summary>
    NotLinked,
    /// <summary>The person may, but the token the call came with has no scope for it.</summary>
    OutOfScope,
}

/// <summary>Why a use case said no: a code, and one or more problems each naming its field ("" for the whole request).</summary>
public sealed record Refusal(RefusalCode Code, IReadOnlyList<FieldProblem> Problems)
{
    public Refusal(RefusalCode code, string field, string message, string messageZh) : this(code, [new FieldProblem(field, message, messageZh)]) { }

    public string Field => Problems[0].Field;
    public string Message => string.Join(" ", Problems.Select(p => p.Field.Length > 0 ? $"{p.Field}: {p.Message}" : p.Message));
    public string MessageIn(CultureInfo culture) => string.Join(" ", Problems.Select(p => p.MessageIn(culture)));
}

/// <summary>What is wrong with one field, in both languages the team reads; "" names the whole request.</summary>
public readonly record struct FieldProblem(string Field, string Message, string MessageZh)
{
    public string MessageIn(CultureInfo culture) =>
        culture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? MessageZh : Message;
}
