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
            operation.Parameters.Add(Header("X-ReleaseGate-Signature", "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<raw body>\")>; at most 300 s from the server's clock."));
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
