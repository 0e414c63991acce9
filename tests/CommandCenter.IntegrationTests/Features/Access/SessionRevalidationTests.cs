using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Access;

// A hub connection or a circuit lives for a shift; revoking what it stands on must end it soon
// (here within Access:RevalidateEvery = 1 s), while wrong passwords typed elsewhere must not.
public class SessionRevalidationTests() : OwnAppTest(b => b.UseSetting("Access:RevalidateEvery", "00:00:01"))
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);
    private async Task<(HubConnection Connection, Task Closed)> ConnectAsync(string? apiKey = null, string? cookie = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(App.Server.BaseAddress, LiveHubContract.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => App.Server.CreateHandler();
                if (apiKey is not null) o.Headers[ApiKeyAuthenticationHandler.Header] = apiKey;
                if (cookie is not null) o.Headers["Cookie"] = cookie;
            })
            .Build();
        var closed = new TaskCompletionSource();
        connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await connection.StartAsync(TestContext.Current.CancellationToken);
        await connection.InvokeAsync<LiveCatchUp>(nameof(LiveHub.Join), LiveStreams.Incidents, 0L, TestContext.Current.CancellationToken);
        return (connection, closed.Task);
    }

    private async Task TwoMoreSweepsAsync()
    {
        var guard = App.Services.GetRequiredService<LiveConnectionGuard>();
        var target = guard.Sweeps + 2;
        await Eventually.TrueAsync(() => guard.Sweeps >= target, TimeSpan.FromSeconds(20), "two more revalidation sweeps");
    }

    [Fact]
    public async Task Revoking_an_api_key_closes_its_open_hub_connection()
    {
        var keys = App.Services.GetRequiredService<ApiKeyService>();
        var key = await keys.CreateAsync("gateway", [Scopes.IncidentsRead], Actor.System("test"), ct: TestContext.Current.CancellationToken);
        var (connection, closed) = await ConnectAsync(apiKey: key.Secret);
        await using var _ = connection;

        await keys.RevokeAsync(key.Key.Id, Actor.System("test"), TestContext.Current.CancellationToken);

        await closed.WaitAsync(Soon, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Demoting_a_user_closes_their_open_hub_connection()
    {
        var (connection, closed) = await ConnectAsync(cookie: await SignIn.CookieAsync(App, "duty"));
        await using var _ = connection;
        var users = App.Services.GetRequiredService<UserAdmin>();
        var duty = (await users.ListAsync(TestContext.Current.CancellationToken)).Single(u => u.UserName == "duty");

        await users.SetRoleAsync(duty.Id, Roles.Responder, Actor.System("test"));

        await closed.WaitAsync(Soon, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_new_sign_ins_but_never_end_the_walls_open_session()
    {
        var cookie = await SignIn.CookieAsync(App, "wall");
        var (connection, closed) = await ConnectAsync(cookie: cookie);
        await using var _ = connection;
        using (var stranger = App.CreateClient())
            for (var i = 0; i < 5; i++) await SignIn.TryAsync(stranger, "wall", "wrong-password");
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var manager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            Assert.True(await manager.IsLockedOutAsync((await manager.FindByNameAsync("wall"))!));
        }

        await TwoMoreSweepsAsync();

        Assert.False(closed.IsCompleted);
        await connection.InvokeAsync<LiveCatchUp>(nameof(LiveHub.Join), LiveStreams.Incidents, 0L, TestContext.Current.CancellationToken);
        using var wall = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        wall.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await wall.GetAsync("/wall", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task An_admin_lock_ends_the_session_where_wrong_passwords_do_not()
    {
        var users = App.Services.GetRequiredService<UserAdmin>();
        var (connection, closed) = await ConnectAsync(cookie: await SignIn.CookieAsync(App, "leader"));
        await using var _ = connection;
        var leader = (await users.ListAsync(TestContext.Current.CancellationToken)).Single(u => u.UserName == "leader");

        await users.SetLockedAsync(leader.Id, locked: true, Actor.System("test"));

        await closed.WaitAsync(Soon, TestContext.Current.CancellationToken);
    }
}
