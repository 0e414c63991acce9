using System.Net;
using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Incidents;
using CommandCenter.Web.Features.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using CommandCenter.Web.Data;

namespace CommandCenter.IntegrationTests.Features.Access;

public class ApiKeyTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private ApiKeyService Keys => fixture.App.Services.GetRequiredService<ApiKeyService>();

    private static object Incident => new { type = "fire", latitude = IncidentApiTests.InsideLat, longitude = IncidentApiTests.InsideLon };

    [Fact]
    public async Task A_read_only_key_reads_but_cannot_report()
    {
        var key = await Keys.CreateAsync("reader", [Scopes.IncidentsRead], Actor.System("test"), ct: TestContext.Current.CancellationToken);
        using var client = fixture.App.CreateApiClient(key.Secret);

        var read = await client.GetAsync("/api/incidents/open", TestContext.Current.CancellationToken);
        var write = await client.PostAsJsonAsync("/api/incidents", Incident, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task A_writing_key_reports_and_the_incident_names_the_key_as_its_source()
    {
        var key = await Keys.CreateAsync("110-gateway", [Scopes.IncidentsWrite], Actor.System("test"), ct: TestContext.Current.CancellationToken);
        using var client = fixture.App.CreateApiClient(key.Secret);

        var response = await client.PostAsJsonAsync("/api/incidents", Incident, TestContext.Current.CancellationToken);
        var created = await response.Content.ReadFromJsonAsync<CommandCenter.Web.Features.Incidents.IncidentView>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("api:110-gateway", created!.Source);
    }

    [Fact]
    public async Task A_revoked_key_and_a_made_up_key_are_refused()
    {
        var key = await Keys.CreateAsync("old", [Scopes.IncidentsWrite], Actor.System("test"), ct: TestContext.Current.CancellationToken);
        await Keys.RevokeAsync(key.Key.Id, Actor.System("test"), TestContext.Current.CancellationToken);

        using var revoked = fixture.App.CreateApiClient(key.Secret);
        using var madeUp = fixture.App.CreateApiClient(key.Secret[..^4] + "AAAA");

        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/incidents/open", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await madeUp.GetAsync("/api/incidents/open", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_key_revoked_while_in_use_is_refused_at_once()
    {
        var key = await Keys.CreateAsync("in-use", [Scopes.IncidentsRead], Actor.System("test"), ct: TestContext.Current.CancellationToken);
        using var client = fixture.App.CreateApiClient(key.Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/incidents/open", TestContext.Current.CancellationToken)).StatusCode);

        await Keys.RevokeAsync(key.Key.Id, Actor.System("test"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/incidents/open", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_key_revoked_on_another_instance_stops_working_here_within_the_cache_period()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var here = new ApiKeyService(fixture.App.Services.GetRequiredService<IDbContextFactory<CommandCenterDb>>(), clock,
            Options.Create(new AccessOptions { ApiKeyCacheFor = TimeSpan.FromSeconds(15) }));
        var key = await Keys.CreateAsync("two-instances", [Scopes.IncidentsRead], Actor.System("test"), ct: TestContext.Current.CancellationToken);
        Assert.NotNull(await here.FindAsync(key.Secret, TestContext.Current.CancellationToken));

        // The other instance (the app's own service) revokes it; this one has it remembered.
        await Keys.RevokeAsync(key.Key.Id, Actor.System("test"), TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromSeconds(14));
        Assert.NotNull(await here.FindAsync(key.Secret, TestContext.Current.CancellationToken));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await here.FindAsync(key.Secret, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Only_a_hash_of_the_key_is_stored()
    {
        var key = await Keys.CreateAsync("hashed", [Scopes.IncidentsRead], Actor.System("test"), ct: TestContext.Current.CancellationToken);

        var stored = await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM api_keys WHERE position(convert_to('{key.Secret}', 'UTF8') in hash) > 0 OR name = '{key.Secret}'");
        Assert.Equal(0, stored);
    }
}
