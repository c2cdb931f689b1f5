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
        if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            http.Items[RefusalItem] = await ApiProblems.RefuseAsync(http, StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                "The body must be JSON.", $"Content-Type must be application/json, not '{contentType}'.", "Content-Type");
            return null;
        }
        if (JsonFields.TryParseObject(SignedRequest.Body(http), out var document, out var error)) return document;
        http.Items[RefusalItem] = await ApiProblems.RefuseAsync(http, StatusCodes.Status400BadRequest, "malformed-json",
            "The body is not a JSON object.", error!, "body");
        return null;
    }

    public static ProblemHttpResult? Refusal(HttpContext http) => http.Items[RefusalItem] as ProblemHttpResult;
}
