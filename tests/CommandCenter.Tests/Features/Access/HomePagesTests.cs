using CommandCenter.Web.Features.Access;

namespace CommandCenter.Tests.Features.Access;

public class HomePagesTests
{
    [Theory]
    [InlineData("/responder", new[] { Roles.Responder })]
    [InlineData("/", new[] { Roles.Responder, Roles.Dispatcher })]
    [InlineData("/leader", new[] { Roles.Leader })]
    [InlineData("/leader", new[] { Roles.Leader, Roles.Admin })]
    [InlineData("/wall", new[] { Roles.WallDisplay })]
    [InlineData("/", new[] { Roles.Dispatcher })]
    [InlineData("/", new string[0])]
    public void Each_role_lands_on_its_own_home_after_signing_in(string home, string[] roles)
    {
        Assert.Equal(home, HomePages.For(roles));
    }
}
