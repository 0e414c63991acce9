using CommandCenter.IntegrationTests.Features.Access;
using CommandCenter.Web.Features.Notifications;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommandCenter.IntegrationTests.Features.Notifications;

// A signed-in account's live connection to one instance, as a leader's tablet holds it, and a
// notice handed out by one instance's sender (the tests' instances send nothing on their own).
internal static class Tablets
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<HubConnection> ConnectAsync(AppFactory app, string userName, Action<NoticeMessage> received)
    {
        var cookie = await SignIn.CookieAsync(app, userName);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, LiveHubContract.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Headers["Cookie"] = cookie;
            })
            .Build();
        connection.On(LiveHubContract.NoticeMethod, received);
        await connection.StartAsync(Ct);
        return connection;
    }

    // Stores a notice for the recipient and sends what is due from `from`; the number sent.
    public static async Task<int> SendNoticeAsync(AppFactory from, string recipient, string text)
    {
        await using (var db = from.CreateDb())
        {
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await NotificationService.AddAsync(db, recipient, "plan.approval", "incident/7", text, DateTimeOffset.UtcNow, Ct);
            await tx.CommitAsync(Ct);
        }
        var sender = new NotificationSender(from.Services.GetRequiredService<IDbContextFactory<Web.Data.CommandCenterDb>>(),
            from.Services.GetServices<INotificationChannel>(), Options.Create(new NotificationOptions()), TimeProvider.System, NullLogger<NotificationSender>.Instance);
        return await sender.SendDueAsync(50, Ct);
    }
}
