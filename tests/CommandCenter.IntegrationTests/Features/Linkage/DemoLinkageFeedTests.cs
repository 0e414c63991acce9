using System.Net;
using System.Net.Http.Json;
using System.Text;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Linkage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.IntegrationTests.Features.Linkage;

public class DemoLinkageFeedTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _api = fixture.App.CreateApiClient();

    private const double QingboLat = 30.2437, QingboLon = 120.1683;

    private DemoLinkageFeed Feed(TimeProvider clock) => new(
        Options.Create(new LinkageDemoOptions { Enabled = true }),
        fixture.App.Services.GetRequiredService<IOptions<AccessOptions>>(),
        fixture.App.Services.GetRequiredService<IDbContextFactory<Web.Data.CommandCenterDb>>(),
        fixture.App.Services.GetRequiredService<LinkageService>(),
        fixture.App.Services.GetRequiredService<IServer>(),
        fixture.App.Services.GetRequiredService<IHostApplicationLifetime>(),
        clock, NullLogger<DemoLinkageFeed>.Instance);

    private static DemoLinkageScript.Sample Water => DemoLinkageScript.Samples.First(s => s.Category == "water");

    [Fact]
    public async Task The_demos_json_and_cap_alerts_are_taken_by_the_real_endpoint_and_routed_by_category_and_place()
    {
        var now = DateTimeOffset.UtcNow;
        var json = await _api.PostAsync(LinkageEndpoints.AlertsPath, new StringContent(
            DemoLinkageScript.JsonBody(Water, DemoLinkageScript.IdPrefix + Guid.NewGuid().ToString("N"), QingboLat, QingboLon, "上城区 吴山附近", now),
            Encoding.UTF8, "application/json"), Ct);
        var cap = await _api.PostAsync(LinkageEndpoints.AlertsPath, new StringContent(
            DemoLinkageScript.CapBody(Water, DemoLinkageScript.IdPrefix + Guid.NewGuid().ToString("N"), QingboLat, QingboLon, "上城区 吴山附近", now),
            Encoding.UTF8, "application/cap+xml"), Ct);

        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
        Assert.Equal(HttpStatusCode.Created, cap.StatusCode);
        foreach (var response in new[] { json, cap })
        {
            var alert = (await response.Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!;
            Assert.Equal("water", alert.Category);
            Assert.Equal("清波街道 供水抢修队", alert.UnitName);
            Assert.Equal("routed", alert.State);
        }
    }

    [Fact]
    public async Task Demo_operators_work_the_demos_alerts_one_step_at_a_time_and_leave_every_other_alert_alone()
    {
        var demo = await PostJsonAsync(DemoLinkageScript.IdPrefix + Guid.NewGuid().ToString("N"));
        // The same key, but an id the demo did not make: a person testing with the development key.
        var real = await PostJsonAsync("110-" + Guid.NewGuid().ToString("N"));
        // Past every step of the slowest pace: each call takes the one step that is due.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(1));
        var feed = Feed(clock);
        var linkage = fixture.App.Services.GetRequiredService<LinkageService>();

        await feed.ActAsync(Ct);
        Assert.Equal("acknowledged", (await linkage.GetAsync(demo.Id, Ct))!.State);
        await feed.ActAsync(Ct);
        await feed.ActAsync(Ct);

        var done = (await linkage.GetAsync(demo.Id, Ct))!;
        Assert.Equal("done", done.State);
        Assert.Equal(DemoLinkageScript.FeedbackText, done.Feedback);
        Assert.Equal("routed", (await linkage.GetAsync(real.Id, Ct))!.State);
    }

    [Fact]
    public async Task A_demo_operator_does_not_act_before_its_pace_says_so()
    {
        var demo = await PostJsonAsync(DemoLinkageScript.IdPrefix + Guid.NewGuid().ToString("N"));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

        await Feed(clock).ActAsync(Ct);

        Assert.Equal("routed", (await fixture.App.Services.GetRequiredService<LinkageService>().GetAsync(demo.Id, Ct))!.State);
    }

    private async Task<LinkageAlertView> PostJsonAsync(string id)
    {
        var response = await _api.PostAsync(LinkageEndpoints.AlertsPath, new StringContent(
            DemoLinkageScript.JsonBody(Water, id, QingboLat, QingboLon, null, DateTimeOffset.UtcNow), Encoding.UTF8, "application/json"), Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!;
    }
}
