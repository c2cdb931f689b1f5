using Microsoft.Extensions.Time.Testing;
using ReleaseGate.Web.Adapters.Swarm;

namespace ReleaseGate.Web.Tests;

/// <summary>Which Swarm events are worth a look (SwarmEvents): the services the applications name, read seldom.</summary>
public class ManagedServicesTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-26T09:00:00Z"));
    private HashSet<string> applications = ["orders-api"];
    private int reads;

    private ManagedServices Managed() => new(time, () =>
    {
        reads++;
        return Task.FromResult(applications.ToHashSet());
    });

    [Fact]
    public async Task A_managed_service_is_known_after_one_read_and_never_read_again()
    {
        var managed = Managed();

        for (var i = 0; i < 50; i++) Assert.True(await managed.ContainsAsync("orders-api"));

        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task Events_of_foreign_services_read_at_most_once_a_period()
    {
        var managed = Managed();

        for (var i = 0; i < 50; i++) Assert.False(await managed.ContainsAsync($"monitoring_{i}"));
        time.Advance(ManagedServices.ReadAtMostEvery);
        Assert.False(await managed.ContainsAsync("monitoring_x"));

        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task An_application_added_later_is_known_once_the_period_has_passed()
    {
        var managed = Managed();
        Assert.False(await managed.ContainsAsync("billing"));

        applications = ["orders-api", "billing"];
        var tooSoon = await managed.ContainsAsync("billing");
        time.Advance(ManagedServices.ReadAtMostEvery);

        Assert.False(tooSoon);
        Assert.True(await managed.ContainsAsync("billing"));
    }
}
