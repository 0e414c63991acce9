using CommandCenter.IntegrationTests.Infrastructure;
using CommandCenter.Web.Features.Notifications;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.Hosting;

namespace CommandCenter.IntegrationTests.Features.Notifications;

// Two instances on one database and one Redis: a notice handed out by one reaches its leader's
// tablet connected to the other, and nobody else's.
public class NoticeAcrossInstancesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_notice_sent_by_one_instance_reaches_the_leaders_tablet_on_the_other_through_Redis_and_no_one_elses()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        if (redis is null) Assert.Skip("redis-server is not on PATH (apt-get install redis-server): the backplane cannot be tested.");
        await using var database = await TestDatabase.CreateAsync();
        void Shared(IWebHostBuilder b)
        {
            b.UseSetting("ConnectionStrings:Redis", redis.ConnectionString);
            // The instances' own senders pass once at start; the test sends from instance one.
            b.UseSetting("Notifications:SendInterval", "01:00:00");
        }
        await using var one = new AppFactory(database.ConnectionString, Shared);
        await using var two = new AppFactory(database.ConnectionString, Shared);
        await one.StartedAsync();
        await two.StartedAsync();
        var leaderGot = new TaskCompletionSource<NoticeMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var othersGot = 0;
        await using var leaderTablet = await Tablets.ConnectAsync(two, "leader", n => leaderGot.TrySetResult(n));
        await using var otherTablet = await Tablets.ConnectAsync(two, "leader2", _ => Interlocked.Increment(ref othersGot));

        Assert.Equal(1, await Tablets.SendNoticeAsync(one, "leader", "【待审批】申请启动Ⅱ级（重大）响应，请批示"));

        var notice = await leaderGot.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.Equal(("plan.approval", "incident/7", "【待审批】申请启动Ⅱ级（重大）响应，请批示"), (notice.Kind, notice.Subject, notice.Text));
        // The leader2 tablet shares the instance and the hub: a round trip on its connection after
        // the leader's notice arrived shows nothing was queued for it.
        await otherTablet.InvokeAsync<LiveCatchUp>(LiveHubContract.Join, LiveStreams.Incidents, 0L, Ct);
        Assert.Equal(0, othersGot);
    }
}
