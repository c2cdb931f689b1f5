using ReleaseGate.Core.Applications;

namespace ReleaseGate.Core.Development;

/// <summary>Where an application's development environment stands. The names are the API values.</summary>
public enum DevelopmentState { Queued, Deploying, Running, Failed }

/// <summary>
/// What runs in an application's development environment: the newest develop build, deployed without sign-off and
/// never promoted. One row per application, taken over by each newer build; it is no candidate and has no part in
/// the gate's phase table.
/// </summary>
public sealed class DevelopmentDeployment
{
    public int ApplicationId { get; init; }
    public Application Application { get; init; } = null!;
    /// <summary>New for each build taken in: a deployment job works only for its own, so a newer build stops an older one.</summary>
    public Guid Attempt { get; private set; }
    public string Version { get; private set; } = "";
    public string Digest { get; private set; } = "";
    public string Commit { get; private set; } = "";
    public string Branch { get; private set; } = "";
    public int BuildNumber { get; private set; }
    public string BuildUrl { get; private set; } = "";
    public DevelopmentState State { get; private set; }
    public DateTimeOffset RequestedAt { get; private set; }
    public DateTimeOffset StateChangedAt { get; private set; }
    /// <summary>When the running build became healthy; null until it has.</summary>
    public DateTimeOffset? DeployedAt { get; private set; }
    public string? Url { get; private set; }
    public string? Progress { get; set; }
    /// <summary>Why the last deployment failed, and the container's last log lines.</summary>
    public string? Reason { get; private set; }
    public string? LogTail { get; private set; }
    public Guid ConcurrencyToken { get; private set; } = Guid.NewGuid();

    /// <summary>The image as the staging registry serves it, pinned by digest.</summary>
    public string StagingReference => $"{Application.StagingRepository}@{Digest}";

    /// <summary>Newest wins: an older build never takes the place of a newer one; the same build again only after it failed.</summary>
    public bool IsTakenOverBy(int buildNumber, string digest) =>
        buildNumber > BuildNumber || buildNumber == BuildNumber && (digest != Digest || State == DevelopmentState.Failed);

    /// <summary>A build takes the environment over: it is queued for deployment.</summary>
    public void Take(DevelopmentBuild build, string digest, DateTimeOffset at)
    {
        MoveTo(DevelopmentState.Queued, at);
        Attempt = Guid.CreateVersion7();
        (Version, Digest, Commit, Branch, BuildNumber, BuildUrl) = (build.Tag, digest, build.Commit, build.Branch, build.BuildNumber, build.BuildUrl);
        (RequestedAt, DeployedAt, Reason, LogTail, Progress) = (at, null, null, null, "Queued");
    }

    public void Running(string url, DateTimeOffset at)
    {
        MoveTo(DevelopmentState.Running, at);
        (Url, DeployedAt, Progress) = (url, at, null);
    }

    public void Failed(string reason, string logTail, DateTimeOffset at)
    {
        MoveTo(DevelopmentState.Failed, at);
        (Reason, LogTail, Progress) = (reason, logTail.Length > 0 ? logTail : null, null);
    }

    public void MoveTo(DevelopmentState to, DateTimeOffset at)
    {
        // A new row starts Queued: its first build is the first move.
        if (RequestedAt != default && !DevelopmentStates.Allows(State, to)) throw new DevelopmentTransitionException(ApplicationId, State, to);
        State = to;
        StateChangedAt = at;
        Touch();
    }

    public void Touch() => ConcurrencyToken = Guid.NewGuid();
}

/// <summary>The one table of moves of a development deployment: a newer build may take over from any state.</summary>
public static class DevelopmentStates
{
    public static readonly IReadOnlyDictionary<DevelopmentState, IReadOnlySet<DevelopmentState>> Next =
        new Dictionary<DevelopmentState, IReadOnlySet<DevelopmentState>>
        {
            [DevelopmentState.Queued] = new HashSet<DevelopmentState> { DevelopmentState.Queued, DevelopmentState.Deploying },
            [DevelopmentState.Deploying] = new HashSet<DevelopmentState> { DevelopmentState.Queued, DevelopmentState.Running, DevelopmentState.Failed },
            [DevelopmentState.Running] = new HashSet<DevelopmentState> { DevelopmentState.Queued },
            [DevelopmentState.Failed] = new HashSet<DevelopmentState> { DevelopmentState.Queued },
        };

    public static bool Allows(DevelopmentState from, DevelopmentState to) => Next[from].Contains(to);
}

/// <summary>The one way a wrong move of a development deployment fails.</summary>
public sealed class DevelopmentTransitionException(int applicationId, DevelopmentState from, DevelopmentState to)
    : InvalidOperationException($"The development deployment of application {applicationId} cannot move from {from} to {to}.");
