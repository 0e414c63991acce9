using CommandCenter.Web.Features.Map;
using Microsoft.Extensions.Options;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace CommandCenter.Web.Infrastructure;

// Security headers on every response: a Content-Security-Policy that runs only our own script
// files (plus the import map, by nonce), so a string that ever reached the DOM as HTML still
// could not run; no sniffing, no framing, and HSTS in Production.
public static class SecurityHeaders
{
    public static WebApplication UseCenterSecurityHeaders(this WebApplication app)
    {
        var tiles = TileSource(app.Services.GetRequiredService<IOptions<MapOptions>>().Value.OnlineTileUrl);
        app.UseSecurityHeaders(Policy(tiles, app.Environment.IsProduction()));
        return app;
    }

    internal static HeaderPolicyCollection Policy(string? tileSource, bool production)
    {
        var policy = new HeaderPolicyCollection()
            .AddContentTypeOptionsNoSniff()
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddFrameOptionsDeny()
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                // App.razor's <ImportMap> is an inline script: it carries the per-response nonce.
                csp.AddScriptSrc().Self().WithNonce();
                // MudBlazor and Leaflet set inline styles.
                csp.AddStyleSrc().Self().UnsafeInline();
                var images = csp.AddImgSrc().Self().Data().Blob();
                if (tileSource is not null) images.From(tileSource);
                // 'self' covers the hub's same-origin ws:/wss: in current browsers (CSP Level 3).
                csp.AddConnectSrc().Self();
                csp.AddObjectSrc().None();
                csp.AddFrameAncestors().None();
                csp.AddBaseUri().Self();
                csp.AddFormAction().Self();
            });
        // Sent on HTTPS responses only; a development machine on localhost never gets pinned.
        if (production) policy.AddStrictTransportSecurityMaxAge();
        return policy;
    }

    // The CSP source for an XYZ tile template: "https://{s}.tile.example.org/{z}/{x}/{y}.png" →
    // "https://*.tile.example.org". A placeholder outside the first host label cannot be a CSP
    // wildcard, so then the scheme alone is allowed. Empty: no online tiles.
    internal static string? TileSource(string? template)
    {
        if (string.IsNullOrWhiteSpace(template)) return null;
        var schemeEnd = template.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0) return null;
        var scheme = template[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("https" or "http")) return null;
        var rest = template[(schemeEnd + 3)..];
        var authority = rest[..(rest.IndexOfAny(['/', '?', '#']) is var end and >= 0 ? end : rest.Length)];
        if (authority.Length == 0 || authority.Contains('@', StringComparison.Ordinal)) return null;
        if (!authority.Contains('{', StringComparison.Ordinal)) return $"{scheme}://{authority}";
        var firstDot = authority.IndexOf('.', StringComparison.Ordinal);
        var others = firstDot < 0 ? "" : authority[(firstDot + 1)..];
        if (firstDot < 0 || others.Contains('{', StringComparison.Ordinal) || !others.Contains('.', StringComparison.Ordinal)) return $"{scheme}:";
        return $"{scheme}://*.{others}";
    }
}
