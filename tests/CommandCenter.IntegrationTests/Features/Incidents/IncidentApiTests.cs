using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Web.Features.Incidents;

namespace CommandCenter.IntegrationTests.Features.Incidents;

public class IncidentApiTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    // A point inside the demo territory (湖滨/清波, old 上城区) and one in the middle of West Lake, outside it.
    internal const double InsideLat = 30.2420, InsideLon = 120.1700;
    internal const double OutsideLat = 30.2480, OutsideLon = 120.1420;

    private readonly HttpClient _http = fixture.App.CreateApiClient();

    public async ValueTask InitializeAsync() => await fixture.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<HttpResponseMessage> PostRawAsync(string json) =>
        _http.PostAsync("/api/incidents", new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    private async Task<long> CountAsync() => await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM incidents");

    [Fact]
    public async Task A_posted_incident_is_stored_with_its_grid_and_community_and_reads_back()
    {
        var response = await _http.PostAsJsonAsync("/api/incidents",
            new { type = "fire", latitude = InsideLat, longitude = InsideLon, title = "居民楼冒烟" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<IncidentView>(TestContext.Current.CancellationToken);
        Assert.NotNull(created);
        Assert.Matches("^330102[0-9]{8}$", created.GridCode);
        Assert.False(string.IsNullOrEmpty(created.CommunityName));
        Assert.Equal("critical", created.Priority);
        Assert.Equal($"/api/incidents/{created.Id}", response.Headers.Location?.OriginalString);

        var read = await _http.GetFromJsonAsync<IncidentView>(response.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Empty(read!.Units);
        Assert.Equal(created with { Assignments = null }, read with { Assignments = null });
    }

    [Fact]
    public async Task An_untitled_incident_is_named_by_its_type_in_Chinese_whatever_language_the_reporter_asks_for()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
        {
            Content = JsonContent.Create(new { type = "fire", latitude = InsideLat, longitude = InsideLon }),
        };
        request.Headers.AcceptLanguage.ParseAdd("en-US");
        var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        var created = await response.Content.ReadFromJsonAsync<IncidentView>(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("火情", created!.Title);
    }

    [Fact]
    public async Task An_incident_outside_the_district_is_kept_but_has_no_grid()
    {
        var response = await _http.PostAsJsonAsync("/api/incidents",
            new { type = "medical", latitude = OutsideLat, longitude = OutsideLon }, TestContext.Current.CancellationToken);

        var created = await response.Content.ReadFromJsonAsync<IncidentView>(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null(created!.GridCode);
    }

    [Fact]
    public async Task Posting_the_same_external_id_twice_stores_one_incident()
    {
        var body = new { type = "theft", latitude = InsideLat, longitude = InsideLon, externalId = "110-20261127-0001" };
        var first = await _http.PostAsJsonAsync("/api/incidents", body, TestContext.Current.CancellationToken);
        var second = await _http.PostAsJsonAsync("/api/incidents", body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<IncidentView>(TestContext.Current.CancellationToken);
        var b = await second.Content.ReadFromJsonAsync<IncidentView>(TestContext.Current.CancellationToken);
        Assert.Equal(a!.Id, b!.Id);
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task The_idempotency_key_header_makes_a_retry_safe()
    {
        var request = () => new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
        {
            Content = JsonContent.Create(new { type = "fight", latitude = InsideLat, longitude = InsideLon }),
            Headers = { { "Idempotency-Key", "retry-abc" } },
        };
        await _http.SendAsync(request(), TestContext.Current.CancellationToken);
        var retry = await _http.SendAsync(request(), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(1, await CountAsync());
    }

    [Theory]
    [InlineData("""{"type":"fire","latitude":91,"longitude":120.17}""", "latitude")]
    [InlineData("""{"type":"fire","latitude":"NaN","longitude":120.17}""", "latitude")]
    [InlineData("""{"type":"fire","latitude":30.2,"longitude":-181}""", "longitude")]
    [InlineData("""{"latitude":30.24,"longitude":120.17}""", "type")]
    [InlineData("""{"type":"ufo","latitude":30.24,"longitude":120.17}""", "type")]
    [InlineData("""{"type":"fire","latitude":"north","longitude":120.17}""", "latitude")]
    [InlineData("""{"type":"fire","latitude":30.24,"longitude":120.17""", "longitude")] // truncated: the parser stops there
    [InlineData("""not json at all""", "body")]
    [InlineData("", "body")]
    public async Task Bad_input_gets_a_problem_that_names_the_field_and_stores_nothing(string json, string field)
    {
        var response = await PostRawAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem.RootElement}");
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task Two_megabytes_of_text_is_refused_as_too_large_and_stores_nothing()
    {
        var huge = new string('字', 700_000); // ~2 MB of UTF-8
        var response = await PostRawAsync($$"""{"type":"fire","latitude":30.24,"longitude":120.17,"description":"{{huge}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task Resolving_an_incident_takes_it_off_the_open_list()
    {
        var created = await (await _http.PostAsJsonAsync("/api/incidents",
            new { type = "dispute", latitude = InsideLat, longitude = InsideLon }, TestContext.Current.CancellationToken))
            .Content.ReadFromJsonAsync<IncidentView>(TestContext.Current.CancellationToken);

        using var dispatcher = await Access.SignIn.AsAsync(fixture.App, "dispatcher");
        var resolved = await dispatcher.PostAsJsonAsync($"/api/incidents/{created!.Id}/resolve", new { outcome = "已处置" }, TestContext.Current.CancellationToken);
        var open = await _http.GetFromJsonAsync<IncidentSnapshot>("/api/incidents/open", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.DoesNotContain(open!.Items, i => i.Id == created.Id);
    }
}
