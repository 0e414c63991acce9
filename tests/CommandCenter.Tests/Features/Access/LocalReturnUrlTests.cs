using CommandCenter.Web.Features.Access;

namespace CommandCenter.Tests.Features.Access;

public class LocalReturnUrlTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/wall")]
    [InlineData("/incidents/12/room?tab=timeline")]
    [InlineData("/replay?incident=3#end")]
    public void A_path_in_the_app_is_local(string url) => Assert.True(LocalReturnUrl.IsLocal(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("http:/evil.example")]
    [InlineData("evil.example/wall")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/\t/evil.example")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("\\\\evil.example")]
    public void Another_host_a_scheme_or_a_control_character_is_not_local(string? url) => Assert.False(LocalReturnUrl.IsLocal(url));
}
