using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommandCenter.IntegrationTests.Features.Access;

// Signs in through the real form (antiforgery token and all), as a browser would.
internal static partial class SignIn
{
    public static async Task<HttpClient> AsAsync(AppFactory app, string userName, string password = AppFactory.DemoPassword)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var (status, _) = await TryAsync(client, userName, password);
        if (status != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in of {userName} answered {status}.");
        // What the app's own pages send with a write (ApiRequestGuard).
        client.DefaultRequestHeaders.Add(Web.Infrastructure.ApiRequestGuard.Header, "1");
        return client;
    }

    public static async Task<(HttpStatusCode Status, string Body)> TryAsync(HttpClient client, string userName, string password)
    {
        var form = await client.GetStringAsync("/account/login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // The auth cookie ("cc.auth=…") of a fresh sign-in, for clients that are not HttpClients (hub connections).
    public static async Task<string> CookieAsync(AppFactory app, string userName, string password = AppFactory.DemoPassword)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var response = await RawAsync(client, userName, password);
        return response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Last(c => c.StartsWith("cc.auth=", StringComparison.Ordinal));
    }

    // The sign-in form's answer itself, on a client that keeps no cookies (the form's antiforgery
    // cookie goes back by hand), for tests that read its Location and Set-Cookie.
    public static async Task<HttpResponseMessage> RawAsync(HttpClient client, string userName, string password = AppFactory.DemoPassword)
    {
        var form = await client.GetAsync("/account/login");
        var token = AntiforgeryToken().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["_handler"] = "login", ["Input.UserName"] = userName, ["Input.Password"] = password,
            }),
        };
        request.Headers.Add("Cookie", string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        return await client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
