using System.Diagnostics;

namespace ReleaseGate.Faults;

/// <summary>
/// The portal SIGKILLed at 20 random moments of register → test deployment → sign-off → release now → promotion →
/// rollout, then started again on the same database: every chain must end as the undisturbed one did. The moments are
/// drawn (seeded, printed) uniformly over the undisturbed chain's duration; several chains share one kill, each started
/// so that the kill falls at its own moment, which keeps the whole run to a few portal lifetimes.
/// </summary>
public class KillPointTests(ITestOutputHelper output)
{
    private static readonly int Rounds = int.TryParse(Environment.GetEnvironmentVariable("RG_FAULTS_ROUNDS"), out var r) ? r : 2;
    private const int PerRound = 10;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_kill_points_each_end_as_the_undisturbed_chain()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("RG_FAULTS_SEED"), out var s) ? s : Random.Shared.Next(1_000_000);
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        await using var world = await ChainWorld.CreateAsync(2 + Rounds * PerRound);
        await world.Portal.StartAsync();
        output.WriteLine($"ready after {clock.Elapsed.TotalSeconds:0.0} s");

        // A first chain warms the portal up (its first deployment, promotion and rollout are slower); the second is the measure.
        await world.DriveAsync(world.Applications[0]);
        var baseline = world.Applications[1];
        var timed = Stopwatch.StartNew();
        var baseId = await world.DriveAsync(baseline);
        var duration = timed.Elapsed;
        await world.SettleMailAsync();
        var expected = await OutcomeAsync(world, baseline, baseId);
        output.WriteLine($"seed {seed}; undisturbed chain: {expected.Phase} in {duration.TotalSeconds:0.0} s, mails: {string.Join("; ", expected.Mails.Keys)}");
        output.WriteLine($"undisturbed timeline: {world.Timeline(baseId)}");
        Assert.True(expected.Phase == "Released", $"the undisturbed chain ended {expected.Phase}: {expected.Why}");
        Assert.True(expected.Sound, expected.Why);

        var kills = new List<(string Slug, double At, string Found)>();
        var ids = new Dictionary<string, Task<string>>();
        for (var round = 0; round < Rounds; round++)
        {
            var chains = world.Applications.Skip(2 + round * PerRound).Take(PerRound)
                .Select(slug => (Slug: slug, At: duration * (0.02 + 0.96 * random.NextDouble()))).ToList();
            var killAt = chains.Max(c => c.At);
            var start = Stopwatch.StartNew();
            foreach (var (slug, at) in chains)
                ids[slug] = Task.Run(async () =>
                {
                    await Task.Delay(killAt - at, Ct);
                    try { return await world.DriveAsync(slug); }
                    catch (Exception e) when (e is not OperationCanceledException) { output.WriteLine($"{slug}: {e.Message}"); return ""; }
                }, Ct);
            await Task.Delay(killAt, Ct);
            await world.Portal.KillAsync();
            var killedAfter = start.Elapsed;
            foreach (var (slug, at) in chains)
            {
                var (phase, progress) = world.StateOfApplication(slug);
                kills.Add((slug, (at + killedAfter - killAt).TotalSeconds, progress is null ? phase : $"{phase}: {progress}"));
            }
            await world.Portal.StartAsync();
            var restarted = start.Elapsed;
            await Task.WhenAll(chains.Select(c => ids[c.Slug]));
            output.WriteLine($"round {round + 1}: killed at {killedAfter.TotalSeconds:0.0} s, ready again at {restarted.TotalSeconds:0.0} s, every chain ended at {start.Elapsed.TotalSeconds:0.0} s");
        }
        await world.SettleMailAsync();

        var recovered = 0;
        foreach (var (slug, at, found) in kills)
        {
            var outcome = await OutcomeAsync(world, slug, await ids[slug]);
            var same = outcome.Phase == expected.Phase && outcome.Sound
                && outcome.Mails.Keys.Order().SequenceEqual(expected.Mails.Keys.Order());
            if (same) recovered++;
            output.WriteLine($"kill at +{at:0.0} s, found {found} → {outcome.Phase}; {(same ? "as undisturbed" : "DIFFERENT: " + outcome.Why + " mails " + string.Join("; ", outcome.Mails))}"
                + (outcome.Resent > 0 ? $" ({outcome.Resent} mail re-sent with its Message-Id)" : ""));
        }
        var figure = $"figure: {recovered}/{kills.Count} kill points recovered ({world.Portal.Starts} portal starts, seed {seed}, {clock.Elapsed.TotalSeconds:0} s)";
        output.WriteLine(figure);
        Assert.Equal(kills.Count, recovered);
    }

    /// <summary>Where a chain ended and whether it ended well: the digest, one update of the service, each mail once.</summary>
    private static async Task<Outcome> OutcomeAsync(ChainWorld world, string slug, string id)
    {
        var phase = world.State(id).Phase;
        var why = new List<string>();
        if (phase != "Released") why.Add($"{world.Timeline(id)}; last: {world.LastEvent(id)}");
        var production = await world.Production.DigestAsync(slug, "v1");
        if (production != ChainWorld.Digest) why.Add($"production serves {production ?? "nothing"}");
        var service = await world.ServiceAsync(slug);
        if (service.Image != world.ImageOf(slug)) why.Add($"the service runs {service.Image}");
        // One update: Swarm's previous spec is the old image (a second identical update would make it the new one),
        // the update completed, and one task ever ran the new image.
        if (service.PreviousImage != ChainWorld.OldImage) why.Add($"the previous spec ran {service.PreviousImage}");
        if (service.UpdateState != "completed") why.Add($"update state {service.UpdateState}");
        var fresh = service.Tasks.Where(t => t.Image == world.ImageOf(slug)).ToList();
        if (fresh is not [(_, "running")]) why.Add($"tasks on the new image: {string.Join(", ", fresh.Select(t => t.State))}");
        var releases = world.Count("SELECT COUNT(*) FROM Releases WHERE CandidateId = $id", id);
        if (releases != 1) why.Add($"{releases} release rows");
        var mails = world.MailsOf(slug);
        foreach (var (key, (ids, _)) in mails.Where(m => m.Value.Ids != 1)) why.Add($"{ids} different mails for {key}");
        return new Outcome(phase, why.Count == 0, string.Join("; ", why), mails, mails.Values.Sum(m => m.Deliveries - m.Ids));
    }

    private sealed record Outcome(string Phase, bool Sound, string Why, Dictionary<string, (int Ids, int Deliveries)> Mails, int Resent);
}
