namespace CommandCenter.Web.Features.Access;

// The sign-in page's ?ReturnUrl= comes from whoever wrote the link: follow it only within the app.
// Browsers read "/\host" and "//host" alike as another host, and drop tabs and newlines from URLs
// ("/\t/host"), so only a path whose second character is neither slash counts, and no control characters.
public static class LocalReturnUrl
{
    public static bool IsLocal([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? url) =>
        url is { Length: > 0 } && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}
