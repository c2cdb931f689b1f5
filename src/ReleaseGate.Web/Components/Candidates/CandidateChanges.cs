using System.Collections.Concurrent;
using System.Globalization;
using ReleaseGate.Core.Candidates;

namespace ReleaseGate.Web.Components.Candidates;

/// <summary>
/// Hands out subscriptions to candidate changes, per candidate or for all (the board), and calls them
/// when a use case publishes a change. In-process: each replica tells its own circuits (on PostgreSQL,
/// Adapters/Postgres/PostgresCandidateChanges relays the changes of the other replicas to it).
/// </summary>
public sealed class CandidateChanges(ILogger<CandidateChanges> log) : ICandidateChanges
{
    private readonly ConcurrentDictionary<Subscription, byte> subscriptions = new();

    public IDisposable Subscribe(Guid? candidateId, Func<Guid, Task> onChange)
    {
        var subscription = new Subscription(this, candidateId, onChange);
        subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    public void Published(Guid candidateId)
    {
        foreach (var s in subscriptions.Keys.Where(s => s.CandidateId is null || s.CandidateId == candidateId))
            _ = NotifyAsync(s, candidateId);
    }

    /// <summary>Every open page reloads once (after changes may have been missed).</summary>
    public void PublishedAll()
    {
        foreach (var s in subscriptions.Keys) _ = NotifyAsync(s, s.CandidateId ?? Guid.Empty);
    }

    private async Task NotifyAsync(Subscription s, Guid candidateId)
    {
        // The publisher is a job's or a request's thread: its culture would flow into the page's re-render (through
        // InvokeAsync) and a Chinese page would refresh in English. The page's own culture, kept at subscription, is
        // set for the call; an async method hands its caller's culture back when it returns.
        CultureInfo.CurrentCulture = s.Culture;
        CultureInfo.CurrentUICulture = s.UiCulture;
        try { await s.OnChange(candidateId); }
        catch (Exception e) { log.LogWarning(e, "A live page failed to refresh for candidate {Id}", candidateId); }
    }

    private sealed class Subscription(CandidateChanges owner, Guid? candidateId, Func<Guid, Task> onChange) : IDisposable
    {
        public Guid? CandidateId { get; } = candidateId;
        public Func<Guid, Task> OnChange { get; } = onChange;
        public CultureInfo Culture { get; } = CultureInfo.CurrentCulture;
        public CultureInfo UiCulture { get; } = CultureInfo.CurrentUICulture;
        public void Dispose() => owner.subscriptions.TryRemove(this, out _);
    }
}
