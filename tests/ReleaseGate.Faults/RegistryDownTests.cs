using System.Diagnostics;
using System.Net;

namespace ReleaseGate.Faults;

/// <summary>
/// A registry down at the moment it is needed: the staging registry while Jenkins registers a build, the production
/// registry while a candidate is promoted. Each says so plainly, and each recovers when the registry returns, unaided.
/// </summary>
public class RegistryDownTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Figure(string text)
    {
        output.WriteLine("figure: " + text);
    }

    [Fact]
    public async Task Staging_down_during_registration_is_a_503_naming_the_image_and_the_Jenkins_retry_registers_once()
    {
        await using var world = await ChainWorld.CreateAsync(1);
        await world.Portal.StartAsync();
        var slug = world.Applications[0];
        await world.Staging.DownAsync();

        var api = new ApiClient(new HttpClient { BaseAddress = world.Portal.Url }, PortalProcess.KeyId, PortalProcess.Secret);
        using var refused = await api.PostAsync("/api/v1/candidates", $$"""
            {"application":"{{slug}}","image":"{{world.Staging.Authority}}/faults/{{slug}}:v1","commit":"9fceb02d0ae598e95dc970b74767f19372d61af8",
             "buildNumber":1,"buildUrl":"https://jenkins.example.com/job/{{slug}}/1/","submittedBy":"dev@faults.example"}
            """);
        var problem = await refused.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("registry-unavailable", problem);
        Assert.Contains("\"image\"", problem);
        Assert.Equal(0, world.Count("SELECT COUNT(*) FROM Candidates"));

        // Jenkins' script retries a 503; the registry is back within its retries.
        var down = Stopwatch.StartNew();
        var submit = world.SubmitAsync(slug, 1, retries: 5);
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);
        await world.Staging.UpAsync();
        var id = await submit;
        var registered = down.Elapsed;
        if (await world.SignOffAsync(id)) await world.ReleaseNowAsync(slug, id);
        var phase = await world.WaitAsync(id, ChainWorld.Final);

        Assert.Equal("Released", phase);
        Assert.Equal(1, world.Count("SELECT COUNT(*) FROM Candidates"));
        Figure($"staging registry down during registration: HTTP 503 registry-unavailable (field image), 0 candidates; back after 4 s: " +
            $"the Jenkins script's retries registered {world.Count("SELECT COUNT(*) FROM Candidates")} candidate {registered.TotalSeconds:0} s after its first try; the chain ended {phase}");
    }

    [Fact]
    public async Task Production_down_during_promotion_waits_in_Promoting_and_releases_when_it_returns()
    {
        await using var world = await ChainWorld.CreateAsync(1);
        await world.Portal.StartAsync();
        var slug = world.Applications[0];
        var id = await world.SubmitAsync(slug, 1);
        Assert.True(await world.SignOffAsync(id));

        await world.Production.DownAsync();
        await world.ReleaseNowAsync(slug, id);
        var until = DateTime.UtcNow.AddSeconds(60);
        // Between its second and third attempts: it waits, and says for what.
        while (world.Count("SELECT COALESCE(MAX(Attempts), 0) FROM Promotions WHERE CandidateId = $id", id) < 2
               || world.State(id).Progress?.StartsWith("Waiting") != true)
        {
            Assert.True(DateTime.UtcNow < until, $"no second attempt: {world.State(id)}");
            await Task.Delay(100, Ct);
        }
        var (waiting, progress) = world.State(id);
        Assert.Equal("Promoting", waiting);
        Assert.StartsWith($"Waiting for the registry: Could not reach the registry {world.Production.Authority}", progress);
        var down = Stopwatch.StartNew();
        await world.Production.UpAsync();
        var phase = await world.WaitAsync(id, ChainWorld.Final);

        Assert.Equal("Released", phase);
        Assert.Equal(ChainWorld.Digest, await world.Production.DigestAsync(slug, "v1"));
        var service = await world.ServiceAsync(slug);
        Assert.Equal(world.ImageOf(slug), service.Image);
        Assert.Equal(ChainWorld.OldImage, service.PreviousImage);
        var attempts = world.Count("SELECT Attempts FROM Promotions WHERE CandidateId = $id", id);
        Figure($"production registry down during promotion: {waiting} (\"{progress}\"), {attempts} attempts; " +
            $"back: {phase} {down.Elapsed.TotalSeconds:0} s later, production serves the signed digest, service updated once");
    }
}
