using Microsoft.OpenApi;

namespace ReleaseGate.Web.Api;

/// <summary>
/// OpenAPI description of the calls. The body is described by hand because the endpoints read
/// it themselves (to name each bad field), and Accepts() would let routing answer 415 without a problem body.
/// </summary>
public static class ApiDocs
{
    public static RouteHandlerBuilder SignedCall(this RouteHandlerBuilder builder, Type? body = null)
    {
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(Header("X-ReleaseGate-Key", "The integration's key id."));
            operation.Responses ??= new OpenApiResponses();
            operation.Responses["429"] = new OpenApiResponse
            {
                Description = "Too many calls for this key or from this address: application/problem+json, with Retry-After (seconds). " +
                    "Every answer under /api/ that is not 2xx is application/problem+json, also an unknown route or id (404) and 405.",
            };
            operation.Parameters.Add(Header("X-ReleaseGate-Signature", "t=<unix seconds>,v2=<hex HMAC-SHA256(secret, \"v2\\n<t>\\n<METHOD>\\n<path>\\n<query>\\n<hex SHA-256 of the raw body>\")>; " +
                "v1=<HMAC of \"<t>.<raw body>\"> only for a key an admin allows it; at most 300 s from the server's clock " +
                "(a timestamp outside that window, or no time at all, is 401). A signature is accepted once: a POST whose signature was " +
                "already received is 401, unless it is a retry of that very call with the same Idempotency-Key (then the first answer " +
                "comes again). Sign every call afresh. GETs only read and are not checked for reuse."));
            if (body is not null)
                operation.Parameters.Add(Header("Idempotency-Key", "1 to 255 characters; a retry with the same key and body gets the first answer again."));
            return Task.CompletedTask;
        });
        return body is null ? builder : builder.JsonBody(body);
    }

    /// <summary>The JSON body an endpoint reads field by field.</summary>
    public static RouteHandlerBuilder JsonBody(this RouteHandlerBuilder builder, Type body) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "At most 64 KiB of JSON.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body, null, ct) },
                },
            };
        });

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name, In = ParameterLocation.Header, Required = true, Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
