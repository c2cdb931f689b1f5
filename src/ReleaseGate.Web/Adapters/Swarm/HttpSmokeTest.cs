using ReleaseGate.Core.Releases;

namespace ReleaseGate.Web.Adapters.Swarm;

/// <summary>A released service must answer its smoke URL with 2xx; anything else is said in words.</summary>
public sealed class HttpSmokeTest : ISmokeTest, IDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<string?> ProbeAsync(string url, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, ct);
            return response.IsSuccessStatusCode ? null : $"GET {url} answered {(int)response.StatusCode}";
        }
        catch (HttpRequestException e) { return $"GET {url} failed: {e.Message}"; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return $"GET {url} timed out"; }
    }

    public void Dispose() => http.Dispose();
}
