using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ReleaseGate.Web.Api;

/// <summary>The signed body as one JSON object, or the refusal saying why it is not one.</summary>
public static class JsonBody
{
    private const string RefusalItem = "releasegate.refusal";

    public static async Task<JsonDocument?> ReadAsync(HttpContext http)
    {
        var contentType = http.Request.ContentType ?? "";
        if (!IsJson(contentType))
        {
            http.Items[RefusalItem] = await ApiProblems.RefuseAsync(http, StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                "The body must be JSON.", $"Content-Type must be application/json (optionally ; charset=utf-8), not '{contentType}'.", "Content-Type");
            return null;
        }
        if (JsonFields.TryParseObject(SignedRequest.Body(http), out var document, out var error)) return document;
        http.Items[RefusalItem] = await ApiProblems.RefuseAsync(http, StatusCodes.Status400BadRequest, "malformed-json",
            "The body is not a JSON object.", error!, "body");
        return null;
    }

    /// <summary>Exactly application/json, with at most a charset of UTF-8: not application/json-seq, not application/jsonx.</summary>
    public static bool IsJson(string contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        if (!media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return false;
        return media.Parameters.All(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)
            && (p.Value.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || p.Value.Equals("\"utf-8\"", StringComparison.OrdinalIgnoreCase)));
    }

    public static ProblemHttpResult? Refusal(HttpContext http) => http.Items[RefusalItem] as ProblemHttpResult;
}
