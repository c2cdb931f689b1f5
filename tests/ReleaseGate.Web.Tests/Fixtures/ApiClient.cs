using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace ReleaseGate.Web.Tests;

/// <summary>Calls the callback API the way Jenkins does: signed body, key id, Idempotency-Key.</summary>
public sealed class ApiClient(HttpClient http, string keyId, string secret, TimeProvider? time = null)
{
    public HttpClient Http => http;

    /// <summary>v2, as scripts/jenkins/releasegate.sh signs: time, method, path, query and the body's hash, one a line.</summary>
    public static string Sign(string secret, long timestamp, byte[] body, HttpMethod method, string target)
    {
        var (path, query) = target.IndexOf('?') is var q and >= 0 ? (target[..q], target[(q + 1)..]) : (target, "");
        var signed = Encoding.UTF8.GetBytes(string.Join('\n', "v2", timestamp.ToString(CultureInfo.InvariantCulture), method.Method.ToUpperInvariant(), path, query,
            Convert.ToHexStringLower(SHA256.HashData(body))));
        return $"t={timestamp},v2={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed))}";
    }

    /// <summary>The older v1 (time and body only), which a key accepts only when an admin allows it.</summary>
    public static string SignV1(string secret, long timestamp, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".").Concat(body).ToArray();
        return $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed))}";
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? json = null, string? idempotencyKey = null)
    {
        var body = Encoding.UTF8.GetBytes(json ?? "");
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        var now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add("X-ReleaseGate-Key", keyId);
        request.Headers.Add("X-ReleaseGate-Signature", Sign(secret, now, body, method, path));
        if (method == HttpMethod.Post) request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        return request;
    }

    public Task<HttpResponseMessage> PostAsync(string path, string json, string? idempotencyKey = null) =>
        http.SendAsync(Request(HttpMethod.Post, path, json, idempotencyKey));

    public Task<HttpResponseMessage> GetAsync(string path) => http.SendAsync(Request(HttpMethod.Get, path));
}
