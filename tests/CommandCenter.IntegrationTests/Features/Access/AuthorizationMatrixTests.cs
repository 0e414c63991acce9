using System.Net;
using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Incidents;

namespace CommandCenter.IntegrationTests.Features.Access;

// How refusals look to people and machines, lockout, and the kiosk's long sign-in (the door
// matrix itself is DoorMatrixTests).
public class AuthorizationMatrixTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/admin/users")]
    public async Task A_stranger_is_sent_to_the_sign_in_page(string method, string path)
    {
        using var client = fixture.App.CreateApiClient(apiKey: null);

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/account/login", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("GET", "/api/incidents/open")]
    [InlineData("POST", "/api/incidents")]
    [InlineData("GET", "/api/map/territory")]
    [InlineData("POST", "/hubs/live/negotiate?negotiateVersion=1")]
    public async Task A_stranger_gets_401_from_the_api_and_the_hub(string method, string path)
    {
        using var client = fixture.App.CreateApiClient(apiKey: null);

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_the_fifth_locks_the_account()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var app = new AppFactory(database.ConnectionString);
        await app.StartedAsync();
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var first = await SignIn.TryAsync(client, "leader", "wrong-password");
        for (var i = 0; i < 4; i++) await SignIn.TryAsync(client, "leader", "wrong-password");
        var withRightPassword = await SignIn.TryAsync(client, "leader", AppFactory.DemoPassword);

        Assert.Contains("用户名或密码错误", WebUtility.HtmlDecode(first.Body));
        Assert.Equal(HttpStatusCode.OK, withRightPassword.Status); // the form again, not a redirect
        Assert.Contains("账户已锁定", WebUtility.HtmlDecode(withRightPassword.Body));
    }

    [Fact]
    public async Task The_wall_kiosk_stays_signed_in_for_weeks_and_starts_on_the_wall_while_staff_get_a_shift()
    {
        using var wall = fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var duty = fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var kiosk = await SignIn.RawAsync(wall, "wall");
        var staff = await SignIn.RawAsync(duty, "duty");

        Assert.Equal("/wall", new Uri(new Uri("http://localhost"), kiosk.Headers.Location!).AbsolutePath);
        Assert.True(CookieExpiry(kiosk) > DateTimeOffset.UtcNow.AddDays(29), $"kiosk cookie: {CookieExpiry(kiosk)}");
        Assert.True(CookieExpiry(staff) < DateTimeOffset.UtcNow.AddDays(1), $"staff cookie: {CookieExpiry(staff)}");
    }

    private static DateTimeOffset CookieExpiry(HttpResponseMessage response)
    {
        var auth = response.Headers.GetValues("Set-Cookie").Last(c => c.StartsWith("cc.auth=", StringComparison.Ordinal));
        var expires = auth.Split(';').Select(p => p.Trim()).First(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase))["expires=".Length..];
        return DateTimeOffset.Parse(expires, System.Globalization.CultureInfo.InvariantCulture);
    }
}
