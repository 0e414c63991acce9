using System.Globalization;
using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace CommandCenter.Web.Features.Dispatch;

// Taking a call on the board. Validation is the API's (IncidentReportRules), so a report taken
// here and one posted by a gateway are held to the same rules; possible duplicates (报警合并) are
// looked up as soon as the type and the place are known.
public sealed partial class CallTakingForm
{
    private ElementReference _first;
    private IncidentType? _type;
    private string _priority = "medium";
    private string? _placeQuery;
    private IReadOnlyList<PlaceHit> _places = [];
    private double? _latitude;
    private double? _longitude;
    private string? _address;
    private string? _callback;
    private string? _description;
    private IReadOnlyList<PossibleDuplicateView> _duplicates = [];
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _error;
    private bool _busy;

    [Inject] private IDispatchDesk Desk { get; set; } = default!;

    [Parameter, EditorRequired] public Actor Me { get; set; } = default!;

    // The incident saved or linked to: the board selects it, ready to send units.
    [Parameter] public EventCallback<IncidentView> OnDone { get; set; }

    [Parameter] public EventCallback OnCancel { get; set; }

    private bool Ready => RendererInfo.IsInteractive && !_busy;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive) await _first.FocusAsync();
    }

    // From the board: the dispatcher clicked the map while the form was open.
    public async Task SetLocationAsync(double latitude, double longitude)
    {
        (_latitude, _longitude) = (Math.Round(latitude, 6), Math.Round(longitude, 6));
        await FindDuplicatesAsync();
        StateHasChanged();
    }

    private static string Format(double? value) => value?.ToString("0.######", CultureInfo.InvariantCulture) ?? "";

    private async Task OnTypeChangedAsync(ChangeEventArgs e)
    {
        _type = IncidentCodes.TryParseType(e.Value as string, out var type) ? type : null;
        if (_type is { } t) _priority = IncidentCodes.ToCode(IncidentCodes.DefaultPriority(t));
        await FindDuplicatesAsync();
    }

    private async Task OnPlaceInputAsync(ChangeEventArgs e)
    {
        _placeQuery = e.Value as string;
        _places = string.IsNullOrWhiteSpace(_placeQuery) || _placeQuery.Trim().Length < 2 ? [] : await Desk.PlacesAsync(_placeQuery.Trim());
    }

    // Enter in the search box takes the first place found, rather than saving the form.
    private async Task OnPlaceKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter" && _places.Count > 0) await PickPlaceAsync(_places[0]);
    }

    private async Task PickPlaceAsync(PlaceHit place)
    {
        (_latitude, _longitude) = (place.Latitude, place.Longitude);
        _placeQuery = place.Name;
        _address ??= place.Kind == "place" ? place.Name : null;
        _places = [];
        await FindDuplicatesAsync();
    }

    private async Task OnCoordinateAsync(ChangeEventArgs e, bool latitude)
    {
        double? value = double.TryParse(e.Value as string, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        if (latitude) _latitude = value;
        else _longitude = value;
        await FindDuplicatesAsync();
    }

    private async Task FindDuplicatesAsync()
    {
        _duplicates = _type is { } type && _latitude is { } lat && _longitude is { } lon && Math.Abs(lat) <= 90 && Math.Abs(lon) <= 180
            ? await Desk.DuplicatesAsync(type, lat, lon)
            : [];
    }

    private async Task OnKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Escape") await OnCancel.InvokeAsync();
        else if (e.Key == "Enter" && e.CtrlKey) await SaveAsync();
    }

    private async Task SaveAsync()
    {
        if (!Ready) return;
        var report = new IncidentReport(_type is { } t ? IncidentCodes.ToCode(t) : null, _priority, _latitude, _longitude, null,
            Blank(_description), Blank(_address), null, Blank(_callback));
        _errors = IncidentReportRules.Validate(report, out var valid);
        if (_errors.Count > 0) return;
        _busy = true;
        try
        {
            var saved = await Desk.ReportAsync(valid!, Me);
            await OnDone.InvokeAsync(saved);
        }
        finally
        {
            _busy = false;
        }
    }

    // 报警合并: this call is about an incident already open; it joins it instead.
    private async Task LinkAsync(PossibleDuplicateView duplicate)
    {
        if (!Ready) return;
        if (IncidentReportRules.Validate(new IncidentReport("other", null, 0, 0, null, null, null, null, Blank(_callback)), out _) is { Count: > 0 } errors)
        {
            _errors = errors;
            return;
        }
        _busy = true;
        _error = null;
        try
        {
            var joined = await Desk.LinkReportAsync(duplicate.Incident.Id, Blank(_description), Blank(_callback), Me);
            if (joined is not null) await OnDone.InvokeAsync(joined);
        }
        catch (DispatchRefusedException ex)
        {
            _error = Refusals.Text(L, ex.Refusal);
            await FindDuplicatesAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
