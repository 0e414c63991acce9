using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Infrastructure;

// The test server has no client address: this sets it from a header, first in the pipeline.
internal sealed class ClientAddressFromHeader : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, following) =>
        {
            if (http.Request.Headers[Header] is [{ } address]) http.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return following(http);
        });
        next(app);
    };

    public static void AddTo(IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
}

internal static class RateLimitSettings
{
    // Allowances of two per hour: a test never crosses a window.
    public static void Tiny(IWebHostBuilder b)
    {
        b.UseSetting("RateLimits:Window", "01:00:00");
        b.UseSetting("RateLimits:SignInPerAddress", "2");
        b.UseSetting("RateLimits:SignInPerUserName", "2");
        b.UseSetting("RateLimits:OsmAndPerDevice", "2");
        b.UseSetting("RateLimits:ApiPerKey", "2");
        ClientAddressFromHeader.AddTo(b);
    }

    public static async Task AssertThrottledAsync(HttpResponseMessage response, string titleWord)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 3600 }, $"Retry-After: {response.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(titleWord, problem.RootElement.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class RateLimitFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = default!;
    public AppFactory App { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        App = new AppFactory(Database.ConnectionString, RateLimitSettings.Tiny);
        await App.StartedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public class RateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient ClientAt(string address)
    {
        var client = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, address);
        return client;
    }

    private static string Stranger() => $"nobody-{Guid.NewGuid():N}";

    [Fact]
    public async Task Sign_in_posts_from_one_address_past_its_allowance_get_429_with_Retry_After_and_another_address_does_not()
    {
        var address = ClientAt("10.1.0.1");

        var first = await SignIn.TryAsync(address, Stranger(), "wrong-Passw0rd!");
        var second = await SignIn.TryAsync(address, Stranger(), "wrong-Passw0rd!");
        var form = await address.GetAsync("/account/login", Ct);
        var third = await PostSignInAsync(address, Stranger());
        var elsewhere = await SignIn.TryAsync(ClientAt("10.1.0.2"), Stranger(), "wrong-Passw0rd!");

        Assert.Equal(HttpStatusCode.OK, first.Status); // the form again, with its error
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode); // only the POST is limited
        await RateLimitSettings.AssertThrottledAsync(third, "sign-in");
        Assert.Equal(HttpStatusCode.OK, elsewhere.Status);
    }

    [Fact]
    public async Task Sign_in_posts_naming_one_user_past_its_allowance_get_429_from_any_address_and_another_user_name_does_not()
    {
        var userName = Stranger();

        await SignIn.TryAsync(ClientAt("10.2.0.1"), userName, "wrong-Passw0rd!");
        await SignIn.TryAsync(ClientAt("10.2.0.2"), userName.ToUpperInvariant(), "wrong-Passw0rd!");
        var third = await PostSignInAsync(ClientAt("10.2.0.3"), userName);
        var other = await SignIn.TryAsync(ClientAt("10.2.0.3"), Stranger(), "wrong-Passw0rd!");

        await RateLimitSettings.AssertThrottledAsync(third, "sign-in");
        Assert.Equal(HttpStatusCode.OK, other.Status);
    }

    [Fact]
    public async Task OsmAnd_fixes_from_one_device_past_its_allowance_get_429_in_any_form_and_another_device_does_not()
    {
        var http = fixture.App.CreateApiClient();
        var (_, deviceId) = await RegisterAsync(http);
        var (_, otherId) = await RegisterAsync(http);
        string Fix(string id, int second) => OsmAndUrl(id, $"lat={Lat}&lon={Lon}&timestamp={Unix(DateTimeOffset.UtcNow.AddSeconds(-10 + second))}");
        var json = JsonContent.Create(new { device_id = deviceId, location = new { coords = new { latitude = Lat, longitude = Lon } } });

        var first = await http.GetAsync(Fix(deviceId, 1), Ct);
        var second = await http.GetAsync(Fix(deviceId, 2), Ct);
        var third = await http.GetAsync(Fix(deviceId, 3), Ct);
        var asJson = await http.PostAsync($"/api/osmand?token={TokenOf(deviceId)}", json, Ct);
        var other = await http.GetAsync(Fix(otherId, 1), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await RateLimitSettings.AssertThrottledAsync(third, "device");
        await RateLimitSettings.AssertThrottledAsync(asJson, "device");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Incident_and_batch_requests_with_one_API_key_past_its_allowance_get_429_and_another_key_does_not()
    {
        var keys = fixture.App.Services.GetRequiredService<ApiKeyService>();
        var created = await keys.CreateAsync($"limited-{Guid.NewGuid():N}"[..20], [Scopes.IncidentsRead, Scopes.PositionsWrite], Actor.System("test"), ct: Ct);
        var other = await keys.CreateAsync($"other-{Guid.NewGuid():N}"[..20], [Scopes.IncidentsRead], Actor.System("test"), ct: Ct);
        var limited = fixture.App.CreateApiClient(created.Secret);

        var first = await limited.GetAsync("/api/incidents/open", Ct);
        var second = await limited.PostAsJsonAsync("/api/positions", new { fixes = new[] { new { deviceId = "none", latitude = Lat, longitude = Lon } } }, Ct);
        var third = await limited.GetAsync("/api/incidents/open", Ct);
        var batch = await limited.PostAsJsonAsync("/api/positions", new { fixes = Array.Empty<object>() }, Ct);
        var otherKey = await fixture.App.CreateApiClient(other.Secret).GetAsync("/api/incidents/open", Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode); // counted: it reached the handler
        await RateLimitSettings.AssertThrottledAsync(third, "API key");
        await RateLimitSettings.AssertThrottledAsync(batch, "API key");
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
    }

    // A post of the real form, answered however the app answers (SignIn.TryAsync reads the body as text).
    private static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string userName)
    {
        var form = await client.GetStringAsync("/account/login", Ct);
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            [Web.Infrastructure.RateLimits.SignInUserNameField] = userName,
            ["Input.Password"] = "wrong-Passw0rd!",
        }), Ct);
    }
}

// Two instances on one database and one Redis share one allowance per device and per key.
public class SharedRateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_with_one_Redis_share_one_allowance()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        if (redis is null) Assert.Skip("redis-server is not on PATH (apt-get install redis-server): the shared counters cannot be tested.");
        await using var database = await TestDatabase.CreateAsync();
        void Shared(IWebHostBuilder b)
        {
            RateLimitSettings.Tiny(b);
            b.UseSetting("ConnectionStrings:Redis", redis.ConnectionString);
        }
        await using var one = new AppFactory(database.ConnectionString, Shared);
        await using var two = new AppFactory(database.ConnectionString, Shared);
        await one.StartedAsync();
        await two.StartedAsync();
        var (httpOne, httpTwo) = (one.CreateApiClient(), two.CreateApiClient());
        var (_, deviceId) = await RegisterAsync(httpOne);
        var (_, otherId) = await RegisterAsync(httpOne);
        string Fix(string id, int second) => OsmAndUrl(id, $"lat={Lat}&lon={Lon}&timestamp={Unix(DateTimeOffset.UtcNow.AddSeconds(-10 + second))}");

        var onOne = await httpOne.GetAsync(Fix(deviceId, 1), Ct);
        var onTwo = await httpTwo.GetAsync(Fix(deviceId, 2), Ct);
        var thirdOnOne = await httpOne.GetAsync(Fix(deviceId, 3), Ct);
        var otherOnTwo = await httpTwo.GetAsync(Fix(otherId, 1), Ct);
        await httpOne.GetAsync("/api/incidents/open", Ct);
        await httpTwo.GetAsync("/api/incidents/open", Ct);
        var thirdApiCall = await httpOne.GetAsync("/api/incidents/open", Ct);

        Assert.Equal(HttpStatusCode.OK, onOne.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onTwo.StatusCode);
        await RateLimitSettings.AssertThrottledAsync(thirdOnOne, "device");
        Assert.Equal(HttpStatusCode.OK, otherOnTwo.StatusCode);
        await RateLimitSettings.AssertThrottledAsync(thirdApiCall, "API key");
    }
}
