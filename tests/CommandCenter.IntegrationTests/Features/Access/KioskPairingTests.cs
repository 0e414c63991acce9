using System.Net;
using System.Text.RegularExpressions;
using CommandCenter.Web.Features.Access;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Access;

// A wall display is paired with a one-time code instead of a shared password.
public partial class KioskPairingTests() : OwnAppTest(b => b.UseSetting("Access:RevalidateEvery", "00:00:01"))
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private async Task<string> UserIdAsync(string userName) =>
        (await App.Services.GetRequiredService<UserAdmin>().ListAsync(Ct)).Single(u => u.UserName == userName).Id;

    // The screen's side: the pairing form, as a browser posts it. The auth cookie, or null.
    private async Task<(HttpResponseMessage Response, string? Cookie)> PairAsync(string code)
    {
        using var screen = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var form = await screen.GetAsync("/account/pair", Ct);
        var token = AntiforgeryToken().Match(await form.Content.ReadAsStringAsync(Ct)).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/pair")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["_handler"] = "pair", ["Input.Code"] = code }),
        };
        request.Headers.Add("Cookie", string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        var response = await screen.SendAsync(request, Ct);
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.FirstOrDefault(c => c.StartsWith("cc.auth=", StringComparison.Ordinal)) : null;
        return (response, cookie);
    }

    private async Task<HttpStatusCode> WallAsync(string cookie)
    {
        using var screen = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        screen.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        return (await screen.GetAsync("/wall", Ct)).StatusCode;
    }

    [Fact]
    public async Task A_code_an_admin_issued_pairs_one_screen_for_thirty_days_and_works_only_once()
    {
        var issued = await App.Services.GetRequiredService<KioskPairing>().IssueAsync(await UserIdAsync("wall"), Actor.System("test"), Ct);

        var (first, cookie) = await PairAsync(issued.Code.ToLowerInvariant());
        var (second, secondCookie) = await PairAsync(issued.Code);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/wall", new Uri(new Uri("http://localhost"), first.Headers.Location!).AbsolutePath);
        Assert.NotNull(cookie);
        var expires = DateTimeOffset.Parse(Regex.Match(cookie, "expires=([^;]+)", RegexOptions.IgnoreCase).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(expires > DateTimeOffset.UtcNow.AddDays(29), $"screen cookie expires {expires}");
        Assert.Equal(HttpStatusCode.OK, await WallAsync(cookie));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode); // the form again, with its error
        Assert.Contains("pair-error", await second.Content.ReadAsStringAsync(Ct));
        Assert.Null(secondCookie);
        Assert.Equal("kiosk.code_issue,kiosk.pair", await Database.ScalarAsync<string>("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE action LIKE 'kiosk.%'"));
    }

    [Fact]
    public async Task An_expired_code_pairs_nothing()
    {
        var issued = await App.Services.GetRequiredService<KioskPairing>().IssueAsync(await UserIdAsync("wall"), Actor.System("test"), Ct);
        await Database.ExecuteAsync("UPDATE kiosk_pairing_codes SET expires_at = now() - interval '1 second'");

        var (response, cookie) = await PairAsync(issued.Code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(cookie);
    }

    [Fact]
    public async Task Only_a_wall_display_account_can_be_paired()
    {
        var pairing = App.Services.GetRequiredService<KioskPairing>();

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await pairing.IssueAsync(await UserIdAsync("admin"), Actor.System("test"), Ct));
    }

    [Fact]
    public async Task Signing_out_an_accounts_screens_ends_a_paired_screens_session()
    {
        var pairing = App.Services.GetRequiredService<KioskPairing>();
        var wall = await UserIdAsync("wall");
        var (_, cookie) = await PairAsync((await pairing.IssueAsync(wall, Actor.System("test"), Ct)).Code);
        Assert.Equal(HttpStatusCode.OK, await WallAsync(cookie!));

        await pairing.RevokeScreensAsync(wall, Actor.System("test"), Ct);

        // The cookie is re-checked every Access:RevalidateEvery (1 s here).
        var status = await Eventually.ReadAsync(() => WallAsync(cookie!), s => s != HttpStatusCode.OK, TimeSpan.FromSeconds(20), "the revoked screen's cookie to stop opening the wall");
        Assert.NotEqual(HttpStatusCode.OK, status);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
