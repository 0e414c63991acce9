using System.Security.Claims;
using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace CommandCenter.Web.Features.Linkage;

// An alert as the 110 system posts it in JSON.
public sealed record AlertJson(
    string? ExternalId, DateTimeOffset? SentAt, string? Category, string? Priority, double? Latitude, double? Longitude,
    string? Address, string? Description, string? ReporterContact);

public sealed record AlertStepRequest(string? Step, string? Feedback);

public sealed record HandBackRequest(string? Reason);

public sealed record RouteRequest(long? UnitId);

public static class LinkageEndpoints
{
    public const string AlertsPath = "/api/linkage-alerts";
    public const string DirectoryPath = "/api/admin/linkage-units";
    public static readonly string[] CapMediaTypes = ["application/cap+xml", "application/xml", "text/xml"];
    private const int MaxJsonBytes = 64 * 1024;

    public static IServiceCollection AddLinkage(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<LinkageOptions>().Bind(config.GetSection(LinkageOptions.Section))
            .Validate(o => o.Feedback.IsValid(), "Linkage:Feedback: a Url must be absolute http(s) and come with a Secret; Format json or cap; MaxAttempts at least 1; timeouts and backoffs positive, TotalTimeout at least AttemptTimeout.")
            .ValidateOnStart();
        services.AddSingleton<LinkageService>();
        services.AddSingleton<AlertIncidents>();
        services.AddSingleton<AlertPhotos>();
        services.AddSingleton<LinkageFeedbackOutbox>();
        services.AddHostedService<LinkageFeedbackSender>();
        // Per-try timeout and a few quick retries here; the long backoff is durable, in the outbox table.
        var feedbackClient = services.AddHttpClient(LinkageFeedbackOutbox.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        feedbackClient.AddResilienceHandler("linkage-feedback", (pipeline, context) =>
            {
                var feedback = context.ServiceProvider.GetRequiredService<IOptions<LinkageOptions>>().Value.Feedback;
                pipeline.AddTimeout(feedback.TotalTimeout);
                // POST is retried on purpose: receivers dedupe by X-CC-Delivery.
                if (feedback.QuickRetries > 0)
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = feedback.QuickRetries, Delay = feedback.QuickRetryDelay, BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                    });
                pipeline.AddTimeout(feedback.AttemptTimeout);
            });
        // Added after the pipeline, so inside it: it sees each quick retry.
        feedbackClient.AddHttpMessageHandler(sp => new FeedbackTryRecorder(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ILinkageInbox, LinkageInbox>();
        services.AddSingleton<ILinkageDirectory, LinkageDirectory>();
        services.AddHostedService<LinkageLadder>();
        services.AddHostedService<LinkageSeeder>();
        services.AddOptions<LinkageDemoOptions>().Bind(config.GetSection(LinkageDemoOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<DemoLinkageFeed>();
        return services;
    }

    public static IEndpointRouteBuilder MapLinkageEndpoints(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup(AlertsPath).WithTags("Linkage");
        alerts.MapPost("/", IntakeAsync).RequireAuthorization(Policies.ReportAlerts);
        alerts.MapGet("/", ListAsync).RequireAuthorization(Policies.LinkageWork);
        alerts.MapGet("/{id:long}", GetAsync).RequireAuthorization(Policies.LinkageWork);
        alerts.MapPost("/{id:long}/steps", StepAsync).RequireAuthorization(Policies.LinkageWork);
        alerts.MapPost("/{id:long}/hand-back", HandBackAsync).RequireAuthorization(Policies.LinkageWork);
        alerts.MapPost("/{id:long}/route", RouteAsync).RequireAuthorization(Policies.LinkageDesk);
        alerts.MapPost("/{id:long}/incident", ToIncidentAsync).RequireAuthorization(Policies.LinkageDesk);
        alerts.MapGet("/{id:long}/photos/{photoId:long}", PhotoAsync).RequireAuthorization(Policies.LinkageWork);
        app.MapGet("/api/linkage-units", UnitsAsync).WithTags("Linkage").RequireAuthorization(Policies.LinkageWork);
        // The unit directory (联动单位名录): an Admin's session only. Audited.
        var directory = app.MapGroup(DirectoryPath).WithTags("Linkage admin").RequireAuthorization(Policies.Administer);
        directory.MapGet("/", DirectoryAsync);
        directory.MapPost("/", CreateUnitAsync);
        directory.MapPut("/{id:long}", UpdateUnitAsync);
        return app;
    }

    // POST /api/linkage-alerts: JSON (application/json) or CAP 1.2 (application/cap+xml).
    // 201 for a new alert, 200 with the stored one for a repeat of the same external id.
    private static async Task<IResult> IntakeAsync(HttpContext http, LinkageService linkage, CancellationToken ct)
    {
        if (IsCap(http.Request)) return await IntakeCapAsync(http, linkage, ct);
        var read = await JsonRequest.ReadAsync<AlertJson>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        if (Validate(read.Value!, out var intake) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors, title: "The alert is not valid.");
        var result = await linkage.IntakeAsync(intake!, Actor.From(http), ct);
        return result.IsNew ? TypedResults.Created($"{AlertsPath}/{result.Alert.Id}", result.Alert) : TypedResults.Ok(result.Alert);
    }

    private static bool IsCap(HttpRequest request) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && CapMediaTypes.Contains(type.MediaType.ToString(), StringComparer.OrdinalIgnoreCase);

    // CAP 1.2: Alert adds, Update and Cancel act on the alert they reference (by sender/identifier).
    private static async Task<IResult> IntakeCapAsync(HttpContext http, LinkageService linkage, CancellationToken ct)
    {
        var parsed = await CapParser.ParseAsync(http.Request.Body, CapLimits.Default, ct);
        if (!parsed.IsValid) return TypedResults.ValidationProblem(parsed.ToErrorDictionary(), title: "The CAP message is not valid.");
        var message = parsed.Message;
        var actor = Actor.From(http);
        if (message.MsgType is CapMsgType.Cancel or CapMsgType.Update)
        {
            LinkageAlertView? last = null;
            foreach (var reference in CapMapping.ReferencedExternalIds(message))
                last = message.MsgType == CapMsgType.Cancel
                    ? await linkage.CancelAsync(reference, actor, ct) ?? last
                    : await linkage.UpdateAsync(reference, message.Infos.Count > 0 ? message.Infos[0].Description : null, actor, ct) ?? last;
            return last is null
                ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown alert", detail: "No alert of this sender matches its references.",
                    extensions: new Dictionary<string, object?> { ["field"] = "references" })
                : TypedResults.Ok(last);
        }
        if (message.MsgType != CapMsgType.Alert)
            return JsonRequest.Invalid("msgType", $"msgType {message.MsgType} is not an alert this center acts on (Alert, Update, Cancel).");
        if (message.Infos.Count == 0 || message.Infos[0] is not { } info) return JsonRequest.Invalid("info", "An alert needs an <info> with what and where.");
        var location = CapMapping.LocationOf(info.Areas);
        if (location.Point is not { } point) return JsonRequest.Invalid("info[0].area", "An alert needs a polygon or a circle to place it.");
        var externalId = CapMapping.ExternalIdOf(message);
        if (externalId.Length > 300) return JsonRequest.Invalid("identifier", "sender/identifier must be at most 300 characters together.");
        var intake = new AlertIntake(externalId, "cap", message.Sent, LinkageCategories.ToCode(CapMapping.CategoryOf(info)), CapMapping.PriorityOf(info),
            point.Latitude, point.Longitude, Truncate(location.Description, IncidentReportRules.MaxAddressLength),
            Truncate(string.Join("\n", new[] { info.Headline, info.Description }.Where(t => !string.IsNullOrWhiteSpace(t))), IncidentReportRules.MaxDescriptionLength),
            Truncate(info.Contact, 100), LinkageFeedbackMessages.CapReference(message.Sender, message.Identifier, message.Sent));
        var result = await linkage.IntakeAsync(intake, actor, ct);
        return result.IsNew ? TypedResults.Created($"{AlertsPath}/{result.Alert.Id}", result.Alert) : TypedResults.Ok(result.Alert);
    }

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max];

    internal static Dictionary<string, string[]> Validate(AlertJson a, out AlertIntake? intake)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(a.ExternalId) || a.ExternalId.Length > 300) errors["externalId"] = ["externalId is required, at most 300 characters."];
        if (!LinkageCategories.TryParse(a.Category, out _))
            errors["category"] = [$"category must be one of {string.Join(", ", LinkageCategories.Codes)}."];
        IncidentPriority priority = IncidentPriority.Medium;
        if (a.Priority is not null && !IncidentCodes.TryParsePriority(a.Priority, out priority))
            errors["priority"] = [$"priority must be one of {string.Join(", ", IncidentCodes.PriorityCodes)}."];
        if (a.Latitude is not (>= -90 and <= 90)) errors["latitude"] = ["latitude is required, between -90 and 90."];
        if (a.Longitude is not (>= -180 and <= 180)) errors["longitude"] = ["longitude is required, between -180 and 180."];
        if (a.Address?.Length > IncidentReportRules.MaxAddressLength) errors["address"] = [$"address must be at most {IncidentReportRules.MaxAddressLength} characters."];
        if (a.Description?.Length > IncidentReportRules.MaxDescriptionLength) errors["description"] = [$"description must be at most {IncidentReportRules.MaxDescriptionLength} characters."];
        if (a.ReporterContact?.Length > 100) errors["reporterContact"] = ["reporterContact must be at most 100 characters."];
        intake = errors.Count > 0 ? null : new AlertIntake(a.ExternalId!.Trim(), "json", a.SentAt ?? DateTimeOffset.UtcNow, a.Category!, priority,
            a.Latitude!.Value, a.Longitude!.Value, a.Address, a.Description, a.ReporterContact);
        return errors;
    }

    // GET /api/linkage-alerts: an operator's own unit's open alerts; the desk's queue otherwise.
    private static async Task<IResult> ListAsync(HttpContext http, LinkageService linkage, CancellationToken ct)
    {
        var (unitId, desk) = await ViewerAsync(http.User, linkage, ct);
        if (desk) return TypedResults.Ok(await linkage.QueueAsync(ct));
        if (unitId is null) return NoUnit();
        return TypedResults.Ok((await linkage.ForUnitAsync(unitId.Value, ct)).Select(a => LinkageService.ForViewer(a, unitId, desk: false)).ToList());
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, LinkageService linkage, CancellationToken ct)
    {
        var (unitId, desk) = await ViewerAsync(http.User, linkage, ct);
        var alert = await linkage.GetAsync(id, ct);
        // Another unit's alert is not there, as far as an operator can tell.
        if (alert is null || (!desk && alert.UnitId != unitId)) return TypedResults.NotFound();
        return TypedResults.Ok(LinkageService.ForViewer(alert, unitId, desk));
    }

    // POST /api/linkage-alerts/{id}/steps {"step":"acknowledge"|"arrive"|"feedback","feedback":"…"}
    private static async Task<IResult> StepAsync(long id, HttpContext http, LinkageService linkage, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<AlertStepRequest>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        if (!AlertLadder.Codes.TryParseStep(read.Value!.Step, out var step)) return JsonRequest.Invalid("step", "step must be one of acknowledge, arrive, feedback.");
        if (read.Value.Feedback?.Length > IncidentReportRules.MaxDescriptionLength) return JsonRequest.Invalid("feedback", $"feedback must be at most {IncidentReportRules.MaxDescriptionLength} characters.");
        var (unitId, desk) = await ViewerAsync(http.User, linkage, ct);
        if (!desk && unitId is null) return NoUnit();
        return await Refusals(async () => await linkage.StepAsync(id, step, read.Value.Feedback, Actor.From(http), desk ? null : unitId, ct) is { } a
            ? TypedResults.Ok(a) : TypedResults.NotFound());
    }

    // POST /api/linkage-alerts/{id}/hand-back {"reason":"…"} (退单)
    private static async Task<IResult> HandBackAsync(long id, HttpContext http, LinkageService linkage, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<HandBackRequest>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        if (read.Value!.Reason?.Length > 1000) return JsonRequest.Invalid("reason", "reason must be at most 1000 characters.");
        var (unitId, desk) = await ViewerAsync(http.User, linkage, ct);
        if (!desk && unitId is null) return NoUnit();
        return await Refusals(async () => await linkage.HandBackAsync(id, read.Value.Reason, Actor.From(http), desk ? null : unitId, ct) is { } a
            ? TypedResults.Ok(a) : TypedResults.NotFound());
    }

    // POST /api/linkage-alerts/{id}/route {"unitId":3}: the duty officer routes by hand.
    private static async Task<IResult> RouteAsync(long id, HttpContext http, LinkageService linkage, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<RouteRequest>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        if (read.Value!.UnitId is not { } unitId) return JsonRequest.Invalid("unitId", "unitId is required.");
        return await Refusals(async () => await linkage.RouteAsync(id, unitId, Actor.From(http), ct) is { } a ? TypedResults.Ok(a) : TypedResults.NotFound());
    }

    // A feedback photo, for the unit the alert is with and the desk; for anyone else it is not there.
    private static async Task<IResult> PhotoAsync(long id, long photoId, HttpContext http, LinkageService linkage, AlertPhotos photos, CancellationToken ct)
    {
        var (unitId, desk) = await ViewerAsync(http.User, linkage, ct);
        var alert = await linkage.GetAsync(id, ct);
        if (alert is null || (!desk && alert.UnitId != unitId)) return TypedResults.NotFound();
        if (await photos.GetAsync(id, photoId, ct) is not { } photo) return TypedResults.NotFound();
        http.Response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(photo.Bytes, photo.ContentType);
    }

    // 转为警情: 201 with the new incident, 200 with the one made before (one alert, one incident).
    private static async Task<IResult> ToIncidentAsync(long id, HttpContext http, AlertIncidents alertIncidents, CancellationToken ct) =>
        await Refusals(async () => await alertIncidents.ToIncidentAsync(id, Actor.From(http), ct) switch
        {
            null => TypedResults.NotFound(),
            { IsNew: true } made => TypedResults.Created($"/api/incidents/{made.IncidentId}", new { made.IncidentId }),
            { } earlier => TypedResults.Ok(new { earlier.IncidentId }),
        });

    private static async Task<Ok<IReadOnlyList<LinkageUnitView>>> UnitsAsync(LinkageService linkage, CancellationToken ct) =>
        TypedResults.Ok(await linkage.UnitsAsync(ct));

    private static async Task<Ok<IReadOnlyList<LinkageDirectoryUnit>>> DirectoryAsync(ILinkageDirectory directory, CancellationToken ct) =>
        TypedResults.Ok(await directory.ListAsync(ct));

    // POST /api/admin/linkage-units: 201 with the unit; 400 (rules), 409 (code), 422 (area codes, supervisor account).
    private static async Task<IResult> CreateUnitAsync(HttpContext http, ILinkageDirectory directory, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<LinkageUnitDraft>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        var result = await directory.CreateAsync(read.Value!, Actor.From(http), ct);
        return result.Unit is { } unit ? TypedResults.Created($"{DirectoryPath}/{unit.Id}", unit) : DirectoryProblem(result);
    }

    // PUT /api/admin/linkage-units/{id}: the whole entry but its code; alerts already routed keep their unit and clock.
    private static async Task<IResult> UpdateUnitAsync(long id, HttpContext http, ILinkageDirectory directory, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<LinkageUnitDraft>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        var result = await directory.UpdateAsync(id, read.Value!, Actor.From(http), ct);
        return result.Unit is { } unit ? TypedResults.Ok(unit) : DirectoryProblem(result);
    }

    // Problem details with the errors keyed by field, whatever the status, and the first field named.
    private static IResult DirectoryProblem(LinkageDirectoryResult result) =>
        result.Status == StatusCodes.Status404NotFound
            ? TypedResults.NotFound()
            : TypedResults.Problem(new HttpValidationProblemDetails(result.Errors.ToDictionary())
            {
                Status = result.Status,
                Title = result.Status switch
                {
                    StatusCodes.Status409Conflict => "The linkage unit exists.",
                    StatusCodes.Status422UnprocessableEntity => "The linkage unit refers to something that is not there.",
                    _ => "The linkage unit is not valid.",
                },
                Extensions = { ["field"] = result.Errors.Keys.FirstOrDefault() },
            });

    // Who is asking: the desk sees and acts on every alert; an operator only on their unit's.
    internal static async Task<(long? UnitId, bool Desk)> ViewerAsync(ClaimsPrincipal user, LinkageService linkage, CancellationToken ct)
    {
        var desk = user.IsInRole(Roles.Admin) || user.IsInRole(Roles.DutyOfficer) || user.IsInRole(Roles.Dispatcher);
        return (await linkage.UnitIdOfCodeAsync(user.FindFirst(AccessClaims.Unit)?.Value, ct), desk);
    }


    private static ProblemHttpResult NoUnit() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No linkage unit", detail: "Your account is not bound to an existing linkage unit.");


    private static async Task<IResult> Refusals(Func<Task<IResult>> command)
    {
        try
        {
            return await command();
        }
        catch (LinkageRefusedException ex)
        {
            return ex.Status == StatusCodes.Status400BadRequest
                ? JsonRequest.Invalid(ex.Refusal.Code switch { "feedback_missing" => "feedback", "reason_missing" => "reason", _ => "body" }, ex.Refusal.Message)
                : TypedResults.Problem(statusCode: ex.Status, title: "Refused", detail: ex.Refusal.Message,
                    extensions: new Dictionary<string, object?> { ["code"] = ex.Refusal.Code });
        }
    }
}
