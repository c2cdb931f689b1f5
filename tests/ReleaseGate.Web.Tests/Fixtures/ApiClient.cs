using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace ReleaseGate.Web.Tests;

/// <summary>Calls the callback API the way Jenkins does: signed body, key id, Idempotency-Key.</summary>
public sealed class ApiClient(HttpClient http, string keyId, string secret, TimeProvider? time = null)
{
    public HttpClient Http => http;

    public static string Sign(string secret, long timestamp, byte[] body)
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
        request.Headers.Add("X-ReleaseGate-Signature", Sign(secret, now, body));
        if (method == HttpMethod.Post) request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        return request;
    }

    public Task<HttpResponseMessage> PostAsync(string path, string json, string? idempotencyKey = null) =>
        http.SendAsync(Request(HttpMethod.Post, path, json, idempotencyKey));

    public Task<HttpResponseMessage> GetAsync(string path) => http.SendAsync(Request(HttpMethod.Get, path));
}
