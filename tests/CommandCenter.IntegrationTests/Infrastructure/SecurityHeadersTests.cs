using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommandCenter.IntegrationTests.Infrastructure;

public partial class SecurityHeadersTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // "default-src 'self'; img-src 'self' data:" → directive → its sources.
    private static Dictionary<string, string[]> Directives(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var values), $"no CSP on {response.RequestMessage?.RequestUri}");
        return string.Join(';', values).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(d => d[0], d => d[1..]);
    }

    private static void AssertThePolicy(HttpResponseMessage response)
    {
        var csp = Directives(response);
        Assert.Equal(["'self'"], csp["default-src"]);
        Assert.Equal("'self'", csp["script-src"][0]);
        // Besides our own files only the per-response nonce: no 'unsafe-inline', no 'unsafe-eval'.
        Assert.All(csp["script-src"][1..], source => Assert.StartsWith("'nonce-", source, StringComparison.Ordinal));
        Assert.Equal(["'self'", "'unsafe-inline'"], csp["style-src"]);
        Assert.Equal(["'self'", "data:", "blob:"], csp["img-src"]);
        Assert.Equal(["'self'"], csp["connect-src"]);
        Assert.Equal(["'none'"], csp["object-src"]);
        Assert.Equal(["'none'"], csp["frame-ancestors"]);
        Assert.Equal(["'self'"], csp["base-uri"]);
        Assert.Equal(["'self'"], csp["form-action"]);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task A_page_carries_the_content_security_policy_and_its_import_map_the_policys_nonce()
    {
        using var client = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/account/login", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertThePolicy(response);
        var nonce = Assert.Single(Directives(response)["script-src"], s => s.StartsWith("'nonce-", StringComparison.Ordinal))[7..^1];
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        Assert.Matches(ImportMapWithNonce(nonce), html);
        // Every other script is a file of ours.
        Assert.DoesNotMatch(InlineScriptWithoutNonce(), html);
    }

    [Fact]
    public async Task An_API_response_carries_the_same_headers()
    {
        using var client = fixture.App.CreateApiClient();

        using var response = await client.GetAsync("/api/incidents/open", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertThePolicy(response);
    }

    [Fact]
    public async Task Strict_transport_security_is_sent_over_HTTPS_in_Production_only()
    {
        await using var development = new AppFactory(fixture.Database.ConnectionString, b => b.UseEnvironment("Development"));
        // Production refuses a database with demo accounts: it gets one of its own.
        await using var productionDatabase = await TestDatabase.CreateAsync();
        await using var production = new AppFactory(productionDatabase.ConnectionString, b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Access:SeedDemoUsers", "false");
            b.UseSetting("Access:DemoApiKey", "");
        });
        // The package never pins localhost: ask by a real-looking name.
        var https = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://cc.example.org") };

        using var inDevelopment = await development.CreateClient(https).GetAsync("/account/login", Ct);
        using var inProduction = await production.CreateClient(https).GetAsync("/account/login", Ct);

        Assert.Equal(HttpStatusCode.OK, inDevelopment.StatusCode);
        AssertThePolicy(inDevelopment);
        Assert.False(inDevelopment.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal(HttpStatusCode.OK, inProduction.StatusCode);
        Assert.StartsWith("max-age=", Assert.Single(inProduction.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    private static Regex ImportMapWithNonce(string nonce) => new($"<script type=\"importmap\"[^>]* nonce=\"{Regex.Escape(nonce)}\"");

    [GeneratedRegex("<script(?![^>]*\\b(src|nonce)=)[^>]*>")]
    private static partial Regex InlineScriptWithoutNonce();
}
