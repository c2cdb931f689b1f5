namespace ReleaseGate.Web.Security;

/// <summary>
/// Every non-2xx answer under /api/ is application/problem+json, also those routing gives on its own with an empty
/// body: an unknown route, an id that is not a GUID (404), a wrong method (405), a refused media type (415).
/// </summary>
public static class ApiStatusPages
{
    public static IApplicationBuilder UseApiProblemStatusPages(this IApplicationBuilder api) =>
        api.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            var (kind, title, detail) = status switch
            {
                404 => ("not-found", "Not found.", $"There is nothing at {http.Request.Path} (ids are GUIDs; see /openapi/v1.json)."),
                405 => ("method-not-allowed", "Method not allowed.", $"{http.Request.Method} is not answered at {http.Request.Path}."),
                415 => ("unsupported-media-type", "Unsupported media type.", "Send application/json."),
                401 => ("unauthorized", "Not signed in.", "This call needs a signature or a token."),
                403 => ("forbidden", "Forbidden.", "This caller may not do this."),
                _ => ($"http-{status}", "The request was not answered.", $"HTTP {status}."),
            };
            await TypedResults.Problem(detail: detail, statusCode: status, title: title, type: $"urn:releasegate:problem:{kind}").ExecuteAsync(http);
        });
}
