using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ReleaseGate.Web.Tests;

/// <summary>X-Forwarded-For is believed from the configured proxies only: it names the caller in the audit (and for rate limits).</summary>
public class ForwardedHeadersTests
{
    /// <summary>Every request arrives from the proxy's address, as it would behind one.</summary>
    private sealed class FromProxy : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                http.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.5");
                return nextMiddleware(http);
            });
            next(app);
        };
    }

    [Theory]
    [InlineData("10.0.0.5", "203.0.113.7")]
    [InlineData("192.0.2.1, 10.0.0.0/24", "203.0.113.7")] // a Swarm stack's overlay network
    [InlineData("10.0.1.0/24", "10.0.0.5")]
    [InlineData(null, "10.0.0.5")]
    public async Task The_caller_is_the_forwarded_address_only_behind_a_known_proxy(string? knownProxies, string seenAs)
    {
        using var portal = new PortalFactory();
        if (knownProxies is not null) portal.Settings["ReleaseGate:Network:KnownProxies"] = knownProxies;
        portal.Replace<IStartupFilter>(new FromProxy());
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/candidates/{Guid.NewGuid()}");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        var response = await portal.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var db = portal.CreateDb();
        Assert.Contains($"(from {seenAs})", db.AuditEvents.Single(a => a.Action == "api.refused").Details);
    }
}
