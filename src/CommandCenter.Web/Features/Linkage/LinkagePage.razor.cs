using System.Globalization;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;

namespace CommandCenter.Web.Features.Linkage;

// The linkage operator's phone inbox (签收, 到场, 反馈, 退单 with live countdowns), and for the
// duty officer the queue of alerts to route by hand, overdue or under supervision.
public sealed partial class LinkagePage
{
    private readonly Dictionary<long, string?> _texts = [];
    private readonly Dictionary<long, string?> _reasons = [];
    private LinkageInboxView? _view;
    private string? _error;
    private bool _busy;
    private int _reloadQueued;
    private IDisposable? _subscription;
    private System.Security.Claims.ClaimsPrincipal _user = new();
    private Actor _me = Actor.System("anonymous");

    [Inject] private ILinkageInbox Inbox { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [CascadingParameter(Name = ClientAddress.CascadeName)] private ClientAddress? Client { get; set; }

    private bool Ready => RendererInfo.IsInteractive && !_busy;

    private string? Text(long id) => _texts.GetValueOrDefault(id);

    private string? Reason(long id) => _reasons.GetValueOrDefault(id);

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState).User;
        _me = Actor.From(_user, Client?.Value);
        // Subscribe before reading, so that nothing between the two is missed.
        _subscription = Inbox.OnChanged(QueueReload);
        _view = await Inbox.LoadAsync(_user);
    }

    // A burst of changes becomes one reload and one render.
    private void QueueReload()
    {
        if (Interlocked.Exchange(ref _reloadQueued, 1) == 1) return;
        _ = InvokeAsync(async () =>
        {
            Interlocked.Exchange(ref _reloadQueued, 0);
            try
            {
                _view = await Inbox.LoadAsync(_user);
                StateHasChanged();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                await DispatchExceptionAsync(ex);
            }
        });
    }

    private Task StepAsync(LinkageAlertView a, AlertStep step) =>
        RunAsync(() => Inbox.StepAsync(_user, a.Id, step, step == AlertStep.Feedback ? Text(a.Id) : null, _me), a.Id);

    private Task HandBackAsync(LinkageAlertView a) => RunAsync(() => Inbox.HandBackAsync(_user, a.Id, Reason(a.Id) ?? "", _me), a.Id);

    private Task RouteAsync(LinkageAlertView a, string? unit) =>
        long.TryParse(unit, NumberStyles.Integer, CultureInfo.InvariantCulture, out var unitId) ? RunAsync(() => Inbox.RouteAsync(a.Id, unitId, _me), a.Id) : Task.CompletedTask;

    // The browser's file is read here, bounded: a larger one is refused before it is read whole.
    private Task AttachPhotoAsync(LinkageAlertView a, InputFileChangeEventArgs e) => RunAsync(async () =>
    {
        if (e.File.Size > AlertPhotos.MaxBytes) throw new LinkageRefusedException(AlertPhotos.TooLarge, 413);
        await using var stream = e.File.OpenReadStream(AlertPhotos.MaxBytes);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        await Inbox.AttachPhotoAsync(_user, a.Id, buffer.ToArray(), _me);
    }, a.Id);

    private Task ToIncidentAsync(LinkageAlertView a) => RunAsync(() => Inbox.ToIncidentAsync(a.Id, _me), a.Id);

    private async Task RunAsync(Func<Task> command, long alertId)
    {
        if (!Ready) return;
        _busy = true;
        _error = null;
        try
        {
            await command();
            _texts.Remove(alertId);
            _reasons.Remove(alertId);
        }
        catch (LinkageRefusedException ex)
        {
            _error = Refusals.Text(L, ex.Refusal);
        }
        finally
        {
            _busy = false;
        }
        _view = await Inbox.LoadAsync(_user);
    }

    public void Dispose() => _subscription?.Dispose();
}
