using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommandCenter.IntegrationTests.Features.Access;

public partial class ReturnUrlTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Signs in through the form at /account/login?ReturnUrl=… and answers where the app sends the browser.
    private async Task<Uri> SignInWithReturnUrlAsync(string returnUrl, string user = "dispatcher")
    {
        using var client = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var login = $"/account/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        var token = AntiforgeryToken().Match(await client.GetStringAsync(login, Ct)).Groups[1].Value;
        using var response = await client.PostAsync(login, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.UserName"] = user,
            ["Input.Password"] = AppFactory.DemoPassword,
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        // As a browser reads it: .NET, like browsers, takes "/\host" for "//host".
        return new Uri(client.BaseAddress!, response.Headers.Location!);
    }

    [Theory]
    [InlineData("/\\evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    public async Task A_return_address_on_another_host_lands_on_the_apps_own_board(string returnUrl)
    {
        var target = await SignInWithReturnUrlAsync(returnUrl);

        Assert.Equal("localhost", target.Host);
        Assert.Equal("/", target.AbsolutePath);
    }

    [Theory]
    [InlineData("patrol01", "/responder")]
    [InlineData("leader", "/leader")]
    [InlineData("dispatcher", "/")]
    public async Task Without_a_page_asked_for_each_role_lands_on_its_own_home(string user, string home)
    {
        var target = await SignInWithReturnUrlAsync("/", user);

        Assert.Equal(home, target.AbsolutePath);
    }

    [Fact]
    public async Task A_return_address_in_the_app_is_followed()
    {
        var target = await SignInWithReturnUrlAsync("/replay?incident=1");

        Assert.Equal("localhost", target.Host);
        Assert.Equal("/replay?incident=1", target.PathAndQuery);
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example")]
    public async Task The_language_switch_returns_only_to_a_page_of_the_app(string redirectUri)
    {
        using var client = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync($"/culture/set?culture=en-US&redirectUri={Uri.EscapeDataString(redirectUri)}", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
