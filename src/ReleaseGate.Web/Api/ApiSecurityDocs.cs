using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ReleaseGate.Web.Api;

/// <summary>
/// The two ways to call the API, as OpenAPI security schemes: a person's bearer token, and a Jenkins integration's
/// HMAC signature (two headers, sent together). Each operation says which it accepts.
/// </summary>
public static class ApiSecurityDocs
{
    public const string Bearer = "bearer";
    public const string HmacKey = "hmacKey";
    public const string HmacSignature = "hmacSignature";

    public static void AddSecuritySchemes(this OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "rgp_<random>",
            Description = "A personal access token (My account → Tokens, POST /api/v1/me/tokens, or `releasegate admin create-token --scopes`). " +
                "Acts with the owner's current roles, only for what its scopes (read, sign-off, release, admin) cover.",
        };
        document.Components.SecuritySchemes[HmacKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-ReleaseGate-Key",
            Description = "A Jenkins integration's key id; sent with X-ReleaseGate-Signature.",
        };
        document.Components.SecuritySchemes[HmacSignature] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-ReleaseGate-Signature",
            Description = "t=<unix seconds>,v2=<hex HMAC-SHA256(secret, \"v2\\n<t>\\n<METHOD>\\n<path>\\n<query>\\n<hex SHA-256 of the raw body>\")>; " +
                "v1 (\"<t>.<raw body>\") only where an admin allows it for the key; at most 300 s from the server's clock.",
        };
        return Task.CompletedTask;
    });

    /// <summary>A call of the people's API: a bearer token, and for reads also an integration's signature.</summary>
    public static RouteHandlerBuilder PersonCall(this RouteHandlerBuilder builder, bool signedReadToo = false) =>
        builder.ProducesProblem(StatusCodes.Status401Unauthorized).AddOpenApiOperationTransformer((operation, context, _) =>
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] });
            if (signedReadToo) AddSigned(operation, context.Document);
            return Task.CompletedTask;
        });

    /// <summary>A Jenkins callback: the two HMAC headers.</summary>
    public static RouteHandlerBuilder SignedSecurity(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            AddSigned(operation, context.Document);
            return Task.CompletedTask;
        });

    private static void AddSigned(OpenApiOperation operation, OpenApiDocument? document)
    {
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(HmacKey, document)] = [],
            [new OpenApiSecuritySchemeReference(HmacSignature, document)] = [],
        });
    }
}
