using System.Net;
using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Linkage;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Linkage;

public class AlertPhotoTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46];
    private readonly HttpClient _api = fixture.App.CreateApiClient();
    private AlertPhotos Photos => fixture.App.Services.GetRequiredService<AlertPhotos>();

    // 30.2300,120.1850: the district water company, whose operator is "water".
    private async Task<LinkageAlertView> WaterAlertAsync(string category = "water")
    {
        var response = await _api.PostAsJsonAsync("/api/linkage-alerts", new
        {
            externalId = $"110-{Guid.NewGuid():N}", category, latitude = 30.2300, longitude = 120.1850,
        }, Ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<LinkageAlertView>(Ct))!;
    }

    [Fact]
    public async Task An_operators_photo_is_kept_with_the_alert_and_served_to_the_unit_and_the_desk_only()
    {
        var alert = await WaterAlertAsync();
        var water = (await fixture.App.Services.GetRequiredService<LinkageService>().UnitIdOfCodeAsync("water", Ct))!.Value;

        var photoId = await Photos.AttachAsync(alert.Id, Jpeg, Actor.System("water"), water, Ct);

        using var operatorClient = await SignIn.AsAsync(fixture.App, "water");
        using var duty = await SignIn.AsAsync(fixture.App, "duty");
        var served = await operatorClient.GetAsync($"/api/linkage-alerts/{alert.Id}/photos/{photoId}", Ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Jpeg, await served.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, (await duty.GetAsync($"/api/linkage-alerts/{alert.Id}/photos/{photoId}", Ct)).StatusCode);
        // Under another alert's id, the photo is not there.
        var other = await WaterAlertAsync("gas");
        Assert.Equal(HttpStatusCode.NotFound, (await duty.GetAsync($"/api/linkage-alerts/{other.Id}/photos/{photoId}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Another_units_operator_can_neither_attach_nor_see_a_photo()
    {
        var gas = await WaterAlertAsync("gas");
        var water = (await fixture.App.Services.GetRequiredService<LinkageService>().UnitIdOfCodeAsync("water", Ct))!.Value;
        var photoId = await Photos.AttachAsync(gas.Id, Jpeg, Actor.System("duty"), onlyUnitId: null, Ct);
        using var operatorClient = await SignIn.AsAsync(fixture.App, "water");

        var refused = await Assert.ThrowsAsync<LinkageRefusedException>(() => Photos.AttachAsync(gas.Id, Jpeg, Actor.System("water"), water, Ct));

        Assert.Equal(403, refused.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync($"/api/linkage-alerts/{gas.Id}/photos/{photoId}", Ct)).StatusCode);
    }

    [Fact]
    public async Task What_is_not_an_image_by_its_own_bytes_is_refused_and_an_alert_holds_three()
    {
        var alert = await WaterAlertAsync();
        var html = "<html><script>alert(1)</script></html>"u8.ToArray();

        var notImage = await Assert.ThrowsAsync<LinkageRefusedException>(() => Photos.AttachAsync(alert.Id, html, Actor.System("duty"), null, Ct));
        for (var i = 0; i < AlertPhotos.MaxPerAlert; i++) await Photos.AttachAsync(alert.Id, Jpeg, Actor.System("duty"), null, Ct);
        var fourth = await Assert.ThrowsAsync<LinkageRefusedException>(() => Photos.AttachAsync(alert.Id, Jpeg, Actor.System("duty"), null, Ct));

        Assert.Equal("photo_not_image", notImage.Refusal.Code);
        Assert.Equal("photo_too_many", fourth.Refusal.Code);
        Assert.Equal(3, (await Photos.IdsForAsync([alert.Id], Ct))[alert.Id].Count);
    }
}
