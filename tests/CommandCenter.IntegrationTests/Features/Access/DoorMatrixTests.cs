using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using System.Text;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Access;

// One app with an API key for each scope alone; signed-in cookies are made once per role.
public sealed class DoorFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Task<string>> _cookies = new();
    public TestDatabase Database { get; private set; } = default!;
    public AppFactory App { get; private set; } = default!;
    public Dictionary<string, string> KeyByScope { get; } = [];

    public async ValueTask InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        App = new AppFactory(Database.ConnectionString);
        await App.StartedAsync();
        var keys = App.Services.GetRequiredService<ApiKeyService>();
        foreach (var scope in Scopes.All)
            KeyByScope[scope] = (await keys.CreateAsync($"only {scope}", [scope], Actor.System("test"))).Secret;
    }

    public Task<string> CookieAsync(string user) => _cookies.GetOrAdd(user, u => SignIn.CookieAsync(App, u));

    // A client acting as one principal: "anonymous", a role's demo user, or "key:SCOPE".
    public async Task<HttpClient> ClientAsync(string principal)
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (principal.StartsWith("key:", StringComparison.Ordinal)) client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, KeyByScope[principal[4..]]);
        else if (principal != "anonymous")
        {
            client.DefaultRequestHeaders.Add("Cookie", await CookieAsync(principal));
            client.DefaultRequestHeaders.Add(Web.Infrastructure.ApiRequestGuard.Header, "1");
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}

// Every door of the app against every principal: each role, a stranger, and an API key with each
// scope alone. The doors are read from the app itself (its endpoints, its pages, the hub's methods),
// so a new door without a row here fails the first test: a door nobody decided about is a hole.
public class DoorMatrixTests(DoorFixture fixture) : IClassFixture<DoorFixture>
{
    private static readonly string[] Users = ["admin", "duty", "dispatcher", "leader", "water", "patrol01", "wall"];
    private static readonly string[] Keys = [.. Scopes.All.Select(s => $"key:{s}")];
    private static readonly string[] Everyone = ["anonymous", .. Users, .. Keys];
    private static readonly string[] Board = ["admin", "duty", "dispatcher", "leader", "wall"];
    private static readonly string[] Reporting = ["admin", "duty", "dispatcher"];
    private static readonly string[] ReadIncidents = [.. Board, "key:incidents:read", "key:incidents:write"];
    private static readonly string[] ReadPositions = [.. Board, "key:positions:read"];
    private static readonly string[] ReportIncidents = [.. Reporting, "key:incidents:write"];
    private static readonly string[] AdministerPatrols = ["admin", "key:patrol:admin"];
    private static readonly string[] Admin = ["admin"];

    // "METHODS route" as the app declares it → who gets through.
    private static readonly Dictionary<string, string[]> Doors = new()
    {
        ["GET,HEAD {**path:file}"] = Everyone,
        [" /health/live"] = Everyone,
        [" /health/ready"] = Everyone,
        ["GET /culture/set"] = Everyone,
        ["GET /_framework/opaque-redirect"] = Everyone,
        ["GET,POST /account/login"] = Everyone,
        ["GET,POST /account/denied"] = Everyone,
        ["GET,POST /account/pair"] = Everyone, // the one-time code is the credential
        ["GET,POST /Error"] = Everyone,
        ["GET,POST /not-found"] = Everyone,
        ["GET,POST /api/osmand"] = Everyone, // the registered device id and its token are the credential
        ["POST /account/logout"] = Users,
        [" /_blazor"] = Users,
        [" /_blazor/negotiate"] = Users,
        [" /_blazor/disconnect/"] = Users,
        [" /_blazor/initializers/"] = Users,
        ["GET,POST /"] = Board,
        ["GET,POST /wall"] = Board,
        ["GET,POST /replay"] = Board,
        ["GET,POST /incidents/{Id:long}/room"] = Board,
        ["GET,POST /leader"] = ["admin", "leader"],
        ["GET,POST /responder"] = ["patrol01"],
        ["GET,POST /admin/users"] = Admin,
        ["GET,POST /admin/api-keys"] = Admin,
        ["GET,POST /admin/audit"] = Admin,
        ["GET,POST /admin/patrol"] = Admin,
        ["GET,POST /admin/linkage-feedback"] = Admin,
        ["GET,POST /admin/linkage-units"] = Admin,
        ["GET,POST /admin/plans"] = Admin,
        [" /hubs/live"] = [.. ReadIncidents, "key:positions:read"],
        [" /hubs/live/negotiate"] = [.. ReadIncidents, "key:positions:read"],
        ["GET /api/map/territory"] = [.. ReadIncidents, "patrol01"], // the responder's phone map
        ["GET /api/incidents/open"] = ReadIncidents,
        ["GET /api/incidents/{id:long}"] = ReadIncidents,
        ["GET /api/grids/{code}"] = ReadIncidents,
        ["GET /api/grids/at"] = ReadIncidents,
        ["POST /api/incidents/"] = ReportIncidents,
        ["POST /api/incidents/{id:long}/resolve"] = ReportIncidents,
        ["PUT /api/incidents/{id:long}/casualties"] = ReportIncidents,
        ["GET /api/incidents/{id:long}/recommendations"] = Reporting,
        ["GET /api/incidents/duplicates"] = Reporting,
        ["POST /api/incidents/{id:long}/assignments"] = Reporting,
        ["POST /api/incidents/{id:long}/linked-reports"] = Reporting,
        ["POST /api/incidents/{id:long}/close"] = ["admin", "duty"],
        ["GET /api/incidents/{id:long}/timeline"] = ReadIncidents,
        ["POST /api/assignments/{id:long}/steps"] = [.. Reporting, "patrol01"],
        ["GET /api/responder/assignment"] = ["patrol01"],
        ["GET /api/places"] = Reporting,
        ["POST /api/linkage-alerts/"] = ["admin", "key:alerts:write"],
        ["GET /api/linkage-alerts/"] = [.. Reporting, "water"],
        ["GET /api/linkage-alerts/{id:long}"] = [.. Reporting, "water"],
        ["POST /api/linkage-alerts/{id:long}/steps"] = [.. Reporting, "water"],
        ["POST /api/linkage-alerts/{id:long}/hand-back"] = [.. Reporting, "water"],
        ["POST /api/linkage-alerts/{id:long}/route"] = Reporting,
        ["POST /api/linkage-alerts/{id:long}/incident"] = Reporting,
        ["GET /api/linkage-alerts/{id:long}/photos/{photoId:long}"] = [.. Reporting, "water"],
        ["GET /api/linkage-units"] = [.. Reporting, "water"],
        ["GET /api/plans"] = [.. Reporting, "leader"],
        ["GET /api/incidents/{id:long}/plans"] = [.. Reporting, "leader"],
        ["POST /api/incidents/{id:long}/plans"] = [.. Reporting, "leader"],
        ["POST /api/plan-runs/{id:long}/approve"] = [.. Reporting, "leader"],
        ["POST /api/plan-runs/{id:long}/reject"] = [.. Reporting, "leader"],
        ["POST /api/plan-runs/{id:long}/escalate"] = [.. Reporting, "leader"],
        ["POST /api/plan-runs/{id:long}/deescalate"] = [.. Reporting, "leader"],
        ["POST /api/plan-runs/{id:long}/terminate"] = [.. Reporting, "leader"],
        ["POST /api/plan-tasks/{id:long}/done"] = [.. Reporting, "leader"],
        ["GET,POST /linkage"] = [.. Reporting, "water"],
        ["GET /api/patrol/units/live"] = ReadPositions,
        ["PUT /api/patrol/units/{id:long}/duty"] = [.. Reporting, "key:patrol:admin"],
        ["GET /api/patrol/units/{id:long}/trail"] = ReadPositions,
        ["GET /api/patrol/replay"] = ReadPositions,
        ["POST /api/positions"] = ["admin", "key:positions:write"],
        ["GET /api/admin/patrol/units"] = AdministerPatrols,
        ["POST /api/admin/patrol/units"] = AdministerPatrols,
        ["PUT /api/admin/patrol/units/{id:long}/duty"] = AdministerPatrols,
        ["GET /api/admin/patrol/devices"] = AdministerPatrols,
        ["POST /api/admin/patrol/devices"] = AdministerPatrols,
        ["DELETE /api/admin/patrol/devices/{deviceId}"] = AdministerPatrols,
        ["GET /api/admin/linkage-units/"] = Admin,
        ["POST /api/admin/linkage-units/"] = Admin,
        ["PUT /api/admin/linkage-units/{id:long}"] = Admin,
        ["GET /api/admin/plans/"] = Admin,
        ["GET /api/admin/plans/{code}"] = Admin,
        ["GET /api/admin/plans/{code}/versions/{version:int}"] = Admin,
        ["POST /api/admin/plans/"] = Admin,
    };

    // The live hub's methods → who may call them (connecting needs either).
    private static readonly Dictionary<string, string[]> HubMethods = new()
    {
        [nameof(LiveHub.Join)] = ReadIncidents,
        [nameof(LiveHub.JoinPositions)] = ReadPositions,
        [nameof(LiveHub.JoinAlerts)] = Board, // linkage alerts on the map: board screens, no API key
    };

    public static TheoryData<string, string> DoorCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var door in Doors.Keys) foreach (var principal in Everyone) data.Add(door, principal);
        return data;
    }

    public static TheoryData<string, string> HubCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in HubMethods.Keys) foreach (var principal in Everyone) data.Add(method, principal);
        return data;
    }

    private static string DoorOf(RouteEndpoint e) =>
        $"{string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText}";

    private static bool IsStaticAsset(Endpoint e) => e.Metadata.Any(m => m.GetType().Name.StartsWith("StaticAsset", StringComparison.Ordinal));

    [Fact]
    public void Every_door_the_app_has_is_in_the_matrix_and_every_row_is_a_door_it_has()
    {
        var endpoints = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var doors = endpoints.Where(e => !IsStaticAsset(e)).Select(DoorOf).ToHashSet();

        Assert.Empty(doors.Except(Doors.Keys));
        Assert.Empty(Doors.Keys.Except(doors));
        // The files under wwwroot are public by decision, not by default.
        Assert.All(endpoints.Where(IsStaticAsset), e => Assert.NotNull(e.Metadata.GetMetadata<IAllowAnonymous>()));
        // Its own methods, not the connect/disconnect overrides clients cannot call.
        var methods = typeof(LiveHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetBaseDefinition().DeclaringType == typeof(LiveHub)).Select(m => m.Name).ToHashSet();
        Assert.Equal(HubMethods.Keys.Order(), methods.Order());
    }

    [Theory]
    [MemberData(nameof(DoorCases))]
    public async Task Each_door_lets_through_exactly_the_principals_its_row_names(string door, string principal)
    {
        using var client = await fixture.ClientAsync(principal);
        var (methods, route) = (door.Split(' ', 2)[0], door.Split(' ', 2)[1]);
        var method = methods.Length == 0 ? "GET" : methods.Split(',')[0];
        var path = route
            .Replace("{**path:file}", "no-such-file.txt", StringComparison.Ordinal)
            .Replace("{id:long}", "1", StringComparison.Ordinal).Replace("{Id:long}", "1", StringComparison.Ordinal).Replace("{photoId:long}", "1", StringComparison.Ordinal)
            .Replace("{code}", "x", StringComparison.Ordinal).Replace("{version:int}", "1", StringComparison.Ordinal).Replace("{deviceId}", "x", StringComparison.Ordinal);
        if (path.EndsWith("/negotiate", StringComparison.Ordinal)) (method, path) = ("POST", path + "?negotiateVersion=1");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var location = response.Headers.Location is { } l ? new Uri(new Uri("http://localhost"), l).PathAndQuery : null;
        // A challenge sends a page to sign-in with its return address (signing out sends there without one).
        var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            || response.StatusCode == HttpStatusCode.Redirect && (location?.StartsWith("/account/login?ReturnUrl=", StringComparison.Ordinal) == true || location?.StartsWith("/account/denied", StringComparison.Ordinal) == true);
        Assert.True(Doors[door].Contains(principal) != refused,
            $"{principal} at {method} {path}: {(int)response.StatusCode} {location} — expected {(Doors[door].Contains(principal) ? "through" : "refused")}");
    }

    [Theory]
    [MemberData(nameof(HubCases))]
    public async Task Each_hub_method_answers_exactly_the_principals_its_row_names(string method, string principal)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.App.Server.BaseAddress, LiveHubContract.Path), async o =>
            {
                o.HttpMessageHandlerFactory = _ => fixture.App.Server.CreateHandler();
                if (principal.StartsWith("key:", StringComparison.Ordinal)) o.Headers[ApiKeyAuthenticationHandler.Header] = fixture.KeyByScope[principal[4..]];
                else if (principal != "anonymous") o.Headers["Cookie"] = await fixture.CookieAsync(principal);
            })
            .Build();
        await using var _ = connection;

        bool answered;
        try
        {
            await connection.StartAsync(TestContext.Current.CancellationToken);
            if (method == nameof(LiveHub.Join)) await connection.InvokeAsync<object>(method, LiveStreams.Incidents, 0L, TestContext.Current.CancellationToken);
            else await connection.InvokeAsync<object>(method, TestContext.Current.CancellationToken);
            answered = true;
        }
        catch (Exception ex) when (ex is HttpRequestException or Microsoft.AspNetCore.SignalR.HubException)
        {
            answered = false;
        }

        Assert.Equal(HubMethods[method].Contains(principal), answered);
    }
}
