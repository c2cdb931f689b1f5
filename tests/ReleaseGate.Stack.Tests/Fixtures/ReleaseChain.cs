using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ReleaseGate.Stack.Tests;

/// <summary>
/// The people and the pipeline around a portal running in a stack, each through the entry point they would use: accounts
/// and tokens by `releasegate admin` in the portal's container, registration by the shipped Jenkins client
/// (scripts/jenkins/releasegate.sh), sign-off and "release now" through the people's API.
/// </summary>
public sealed class ReleaseChain(Uri portal, string container) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = portal, Timeout = TimeSpan.FromSeconds(15) };
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An account with <paramref name="role"/> and an API token for it, made in the portal's container.</summary>
    public async Task<string> TokenAsync(string email, string role)
    {
        await Docker.OkAsync("exec", container, "releasegate", "admin", "create-user", "--email", email, "--roles", role);
        return await Docker.OkAsync("exec", container, "releasegate", "admin", "create-token", "--email", email, "--name", "stack-test", "--scopes", "read,sign-off,release");
    }

    /// <summary>`releasegate.sh submit`, as a pipeline runs it, signed with the integration key; answers the candidate's id.</summary>
    public async Task<string> SubmitAsync(string keyId, string secret, string application, string image, int build)
    {
        var submit = await Docker.ProgramAsync("bash", ["scripts/jenkins/releasegate.sh", "submit", "--application", application, "--image", image,
            "--commit", "9fceb02d0ae598e95dc970b74767f19372d61af8", "--build-number", build.ToString(),
            "--build-url", $"https://jenkins.example.com/job/{application}/{build}/", "--submitted-by", "dev@example.com", "--print-id"],
            environment: new Dictionary<string, string>
            {
                ["RELEASEGATE_URL"] = http.BaseAddress!.ToString(), ["RELEASEGATE_KEY_ID"] = keyId, ["RELEASEGATE_SECRET"] = secret,
            });
        Assert.True(submit.Code == 0, $"releasegate.sh submit exited {submit.Code}:\n{submit.Err}");
        return submit.Text;
    }

    public async Task<JsonElement> CandidateAsync(string token, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/candidates/{id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await http.SendAsync(request, Ct);
        var body = await answer.Content.ReadAsStringAsync(Ct);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"GET candidate {id}: {(int)answer.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asks the API until the candidate is in one of <paramref name="phases"/>; fails at once in any other end phase.</summary>
    public async Task<JsonElement> WaitForPhaseAsync(string token, string id, TimeSpan limit, Func<Task<string>> explain, params string[] phases)
    {
        string[] ends = ["Released", "RolledBack", "RolloutPaused", "Errored", "DeployFailed", "Rejected", "Superseded"];
        JsonElement candidate = default;
        await Docker.WaitForAsync($"candidate {id} {string.Join(" or ", phases)}", limit, async () =>
        {
            candidate = await CandidateAsync(token, id);
            var phase = candidate.GetProperty("phase").GetString();
            Assert.False(ends.Contains(phase) && !phases.Contains(phase), $"candidate {id} ended {phase}: {candidate}");
            return phases.Contains(phase);
        }, explain);
        return candidate;
    }

    /// <summary>POSTs JSON as the token's owner; answers the status code and the body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostAsync(string token, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await http.SendAsync(request, Ct);
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync(Ct));
    }

    public void Dispose() => http.Dispose();
}
