using System.Security.Claims;

namespace CommandCenter.Web.Features.Access;

// Whoever causes a write: a signed-in user, an API key, or the system itself (demo feed,
// seeding). Services take it explicitly so every write can be audited, whatever the caller.
public sealed record Actor(string Kind, string Id, string Name, string? RemoteAddress)
{
    public const string UserKind = "user";
    public const string ApiKeyKind = "api_key";
    public const string SystemKind = "system";

    public static Actor System(string name) => new(SystemKind, name, name, null);

    public static Actor From(ClaimsPrincipal user, string? remoteAddress)
    {
        var kind = user.FindFirstValue(AccessClaims.ActorKind) ?? UserKind;
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
        var name = user.FindFirstValue(AccessClaims.DisplayName) ?? user.Identity?.Name ?? id;
        return new Actor(kind, id, name, remoteAddress);
    }

    public static Actor From(HttpContext http) => From(http.User, http.Connection.RemoteIpAddress?.ToString());

    // What an incident's Source says about who reported it.
    public string SourceName => Kind switch
    {
        ApiKeyKind => $"api:{Name}",
        SystemKind => Name,
        _ => $"user:{Name}",
    };
}

// Where a circuit's user connects from, captured at the page request (see Routes.razor).
public sealed record ClientAddress(string? Value)
{
    public const string CascadeName = "ClientAddress";
}
