using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Tests.Infrastructure;

public class SecurityHeadersTests
{
    [Theory]
    [InlineData("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org")]
    [InlineData("https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}", "https://*.is.autonavi.com")]
    [InlineData("https://tiles.example.cn:8443/{z}/{x}/{y}.png", "https://tiles.example.cn:8443")]
    [InlineData("HTTP://tiles.local/{z}/{x}/{y}.png", "http://tiles.local")]
    [InlineData("https://{s}.example/{z}/{x}/{y}.png", "https:")]
    [InlineData("https://tiles.{s}.example.org/{z}/{x}/{y}.png", "https:")]
    public void An_online_tile_template_allows_images_from_its_host(string template, string source) =>
        Assert.Equal(source, SecurityHeaders.TileSource(template));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("/tiles/{z}/{x}/{y}.png")]
    [InlineData("javascript://{s}.example.org/")]
    [InlineData("https://user@tiles.example.org/{z}/{x}/{y}.png")]
    public void No_or_an_unusable_tile_template_allows_no_other_image_host(string? template) =>
        Assert.Null(SecurityHeaders.TileSource(template));
}
