using Microsoft.Net.Http.Headers;

namespace CommandCenter.Web.Infrastructure;

// Two rules for the JSON API's writes, so a page on another site cannot make a signed-in
// browser write here (cross-site request forgery):
// - a write carried by the sign-in cookie must send the X-CC-Request header, which a cross-site
//   form cannot set and a cross-site script may not send without a CORS grant this app never gives;
//   API keys are not sent by browsers on their own, so key-authenticated calls need no header;
// - a write's body must be application/json exactly: a form or text/plain body (what a cross-site
//   form can send) is refused with 415 before anything reads it.
// The OsmAnd endpoint is exempt: phones send forms and query strings, and the device token is
// the credential.
public static class ApiRequestGuard
{
    public const string Header = "X-CC-Request";

    public static WebApplication UseApiRequestGuard(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var request = http.Request;
            if (!request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments(Features.Patrols.PatrolEndpoints.OsmAndPath)
                || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
            {
                await next(http);
                return;
            }
            var byCookie = !request.Headers.ContainsKey(Features.Access.ApiKeyAuthenticationHandler.Header)
                && request.Headers.Authorization.FirstOrDefault()?.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase) != true
                && request.Cookies.Count > 0;
            if (byCookie && !request.Headers.ContainsKey(Header))
            {
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Missing request header",
                    detail: $"A write signed in with the cookie must send the {Header} header.",
                    extensions: new Dictionary<string, object?> { ["field"] = Header }).ExecuteAsync(http);
                return;
            }
            var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
            var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ? type.MediaType.ToString() : null;
            // The 110 system's CAP alerts come as XML, from an API key only (never a browser).
            var capAllowed = !byCookie && request.Path.StartsWithSegments(Features.Linkage.LinkageEndpoints.AlertsPath)
                && mediaType is not null && Features.Linkage.LinkageEndpoints.CapMediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase);
            if (hasBody && !capAllowed && !string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
            {
                await Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                    detail: "Send the body as application/json.", extensions: new Dictionary<string, object?> { ["field"] = "Content-Type" }).ExecuteAsync(http);
                return;
            }
            await next(http);
        });
        return app;
    }
}
