using System.Text.Json;

namespace ReleaseGate.Web.Api;

/// <summary>A JSON answer kept as text, so the idempotency store can give a retry the very same bytes.</summary>
public sealed record ApiAnswer(int StatusCode, string Json, string? Location = null, bool Replayed = false) : IResult
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static ApiAnswer Of(int status, object body, string? location = null) =>
        new(status, JsonSerializer.Serialize(body, JsonOptions), location);

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCode;
        http.Response.ContentType = "application/json; charset=utf-8";
        if (Location is not null) http.Response.Headers.Location = Location;
        if (Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        await http.Response.WriteAsync(Json);
    }
}
