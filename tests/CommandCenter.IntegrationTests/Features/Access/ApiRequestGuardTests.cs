using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.IntegrationTests.Features.Incidents;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommandCenter.IntegrationTests.Features.Access;

// What a page on another site could make a signed-in dispatcher's browser send: a form post, or a
// script's simple request. Neither may write.
public class ApiRequestGuardTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string Report = JsonSerializer.Serialize(new { type = "other", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon });

    public async ValueTask InitializeAsync() => await fixture.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<HttpClient> DispatcherWithoutHeaderAsync()
    {
        var client = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", await SignIn.CookieAsync(fixture.App, "dispatcher"));
        return client;
    }

    private Task<long> IncidentsAsync() => fixture.Database.ScalarAsync<long>("SELECT count(*) FROM incidents");

    [Fact]
    public async Task A_cookie_write_without_the_request_header_is_refused_and_names_the_header()
    {
        using var browser = await DispatcherWithoutHeaderAsync();

        var response = await browser.PostAsync("/api/incidents", new StringContent(Report, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ApiRequestGuard.Header, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
        Assert.Equal(0L, await IncidentsAsync());
    }

    [Fact]
    public async Task A_cookie_write_with_the_header_and_json_goes_through()
    {
        using var browser = await DispatcherWithoutHeaderAsync();
        browser.DefaultRequestHeaders.Add(ApiRequestGuard.Header, "1");

        var response = await browser.PostAsync("/api/incidents", new StringContent(Report, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/jsonp")]
    public async Task A_write_whose_body_is_not_application_json_gets_415_before_anything_reads_it(string contentType)
    {
        using var api = fixture.App.CreateApiClient();
        using var content = new StringContent(Report, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        var response = await api.PostAsync("/api/incidents", content, Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("Content-Type", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
        Assert.Equal(0L, await IncidentsAsync());
    }
}
