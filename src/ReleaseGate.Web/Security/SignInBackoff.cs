using System.Collections.Concurrent;

namespace ReleaseGate.Web.Security;

/// <summary>
/// Wrong passwords slow down the form that took them, per account and per address: after a few free tries each further
/// failure doubles the wait (1 s, 2 s, 4 s … up to 15 min), and a quiet quarter of an hour forgets it. It never locks or
/// disables an account, so a stranger typing someone's e-mail cannot end that person's tokens or open tabs.
/// Kept in this replica's memory: a second replica lets an attacker try twice as fast, not forever.
/// </summary>
public sealed class SignInBackoff(TimeProvider time)
{
    public const int FreeFailures = 3;
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(15);
    private const int MaxEntries = 100_000;

    private sealed record Entry(int Failures, DateTimeOffset LastFailure, DateTimeOffset NotBefore);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>How long the form must wait before it may try <paramref name="account"/> from <paramref name="address"/>; zero when it may now.</summary>
    public TimeSpan WaitFor(string form, string account, string address)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var key in Keys(form, account, address))
            if (entries.TryGetValue(key, out var e) && e.NotBefore > now && e.NotBefore - now > wait) wait = e.NotBefore - now;
        return wait;
    }

    public void Failed(string form, string account, string address)
    {
        var now = time.GetUtcNow();
        if (entries.Count > MaxEntries) Prune(now);
        foreach (var key in Keys(form, account, address))
            entries.AddOrUpdate(key, _ => Next(0, now), (_, e) => Next(now - e.LastFailure > Forget ? 0 : e.Failures, now));
    }

    /// <summary>A right password clears the account's count; the address's stays, or one address could walk a list of accounts.</summary>
    public void Succeeded(string form, string account) => entries.TryRemove(AccountKey(form, account), out _);

    private static Entry Next(int failures, DateTimeOffset now)
    {
        var count = failures + 1;
        var wait = count <= FreeFailures ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Min(MaxWait.TotalSeconds, Math.Pow(2, Math.Min(count - FreeFailures - 1, 20))));
        return new Entry(count, now, now + wait);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, e) in entries)
            if (now - e.LastFailure > Forget) entries.TryRemove(key, out _);
    }

    private static string AccountKey(string form, string account) => $"{form}|account|{account.Trim().ToUpperInvariant()}";

    private static string[] Keys(string form, string account, string address) => [AccountKey(form, account), $"{form}|address|{address}"];
}
