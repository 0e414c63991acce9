using System.Security.Claims;
using CommandCenter.Domain.Plans;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Plans;

public sealed record PlanRequestBody(string? PlanCode, string? Level, string? Reason);

public sealed record PlanReasonBody(string? Level, string? Reason);

public static class PlanEndpoints
{
    private const int MaxJsonBytes = 16 * 1024;

    public static IServiceCollection AddPlans(this IServiceCollection services)
    {
        services.AddSingleton<PlanStore>();
        services.AddSingleton<PlanRunService>();
        services.AddSingleton<PlanRuleEngine>();
        services.AddOptions<PlanOptions>().BindConfiguration(PlanOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPlanDesk, PlanDesk>();
        services.AddSingleton<IPlanLibrary, PlanLibrary>();
        services.AddHostedService<PlanSeeder>();
        services.AddHostedService<PlanLadder>();
        return services;
    }

    public static IEndpointRouteBuilder MapPlanEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Plans").RequireAuthorization(Policies.CommandPlans);
        group.MapGet("/plans", ListPlansAsync);
        group.MapGet("/incidents/{id:long}/plans", ForIncidentAsync);
        group.MapPost("/incidents/{id:long}/plans", RequestAsync);
        group.MapPost("/plan-runs/{id:long}/approve", ApproveAsync);
        group.MapPost("/plan-runs/{id:long}/reject", RejectAsync);
        group.MapPost("/plan-runs/{id:long}/escalate", EscalateAsync);
        group.MapPost("/plan-runs/{id:long}/deescalate", DeescalateAsync);
        group.MapPost("/plan-runs/{id:long}/terminate", TerminateAsync);
        group.MapPost("/plan-tasks/{id:long}/done", TaskDoneAsync);
        return app;
    }

    private static bool IsLeader(ClaimsPrincipal user) => user.IsInRole(Roles.Leader);

    private static async Task<IResult> ListPlansAsync(PlanStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.CurrentAsync(ct)).Select(p => new { p.Code, p.Version, p.Name, p.SavedAt }));

    private static async Task<IResult> ForIncidentAsync(long id, PlanRunService runs, CancellationToken ct) =>
        TypedResults.Ok(await runs.ForIncidentAsync(id, ct));

    // 启动预案: 201 with the run (active at once for Ⅳ/Ⅲ, awaiting a leader for Ⅱ/Ⅰ).
    private static async Task<IResult> RequestAsync(long id, HttpContext http, PlanRunService runs, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<PlanRequestBody>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        if (string.IsNullOrWhiteSpace(read.Value!.PlanCode)) return JsonRequest.Invalid("planCode", "planCode is required.");
        if (!ResponseLevels.TryParse(read.Value.Level, out var level)) return JsonRequest.Invalid("level", "level must be I, II, III or IV.");
        return await Refusals(async () =>
        {
            var run = await runs.RequestAsync(id, read.Value.PlanCode.Trim(), level, read.Value.Reason, Actor.From(http), IsLeader(http.User), ct);
            return TypedResults.Created($"/api/incidents/{id}/plans", run);
        });
    }

    private static Task<IResult> ApproveAsync(long id, HttpContext http, PlanRunService runs, CancellationToken ct) =>
        Refusals(async () => Found(await runs.ApproveAsync(id, Actor.From(http), IsLeader(http.User), ct)));

    private static async Task<IResult> RejectAsync(long id, HttpContext http, PlanRunService runs, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<PlanReasonBody>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        return await Refusals(async () => Found(await runs.RejectAsync(id, read.Value!.Reason, Actor.From(http), IsLeader(http.User), ct)));
    }

    private static async Task<IResult> EscalateAsync(long id, HttpContext http, PlanRunService runs, CancellationToken ct) =>
        await LevelMoveAsync(http, (level, reason) => runs.EscalateAsync(id, level, reason, Actor.From(http), IsLeader(http.User), ct), ct);

    private static async Task<IResult> DeescalateAsync(long id, HttpContext http, PlanRunService runs, CancellationToken ct) =>
        await LevelMoveAsync(http, (level, reason) => runs.DeescalateAsync(id, level, reason, Actor.From(http), IsLeader(http.User), ct), ct);

    private static async Task<IResult> TerminateAsync(long id, HttpContext http, PlanRunService runs, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<PlanReasonBody>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        return await Refusals(async () => Found(await runs.TerminateAsync(id, read.Value!.Reason, Actor.From(http), IsLeader(http.User), ct)));
    }

    private static Task<IResult> TaskDoneAsync(long id, HttpContext http, PlanRunService runs, CancellationToken ct) =>
        Refusals(async () => Found(await runs.CompleteTaskAsync(id, Actor.From(http), ct)));

    private static async Task<IResult> LevelMoveAsync(HttpContext http, Func<ResponseLevel, string?, Task<PlanRunView?>> move, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<PlanReasonBody>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        if (!ResponseLevels.TryParse(read.Value!.Level, out var level)) return JsonRequest.Invalid("level", "level must be I, II, III or IV.");
        return await Refusals(async () => Found(await move(level, read.Value.Reason)));
    }

    private static IResult Found(PlanRunView? run) => run is null ? TypedResults.NotFound() : TypedResults.Ok(run);

    private static async Task<IResult> Refusals(Func<Task<IResult>> command)
    {
        try
        {
            return await command();
        }
        catch (PlanRefusedException ex)
        {
            return TypedResults.Problem(statusCode: ex.Status, title: ex.Refusal.Message,
                extensions: new Dictionary<string, object?> { ["code"] = ex.Refusal.Code });
        }
    }
}

// The plans' clock on every instance: due approvals go to the next leader, late tasks are noted
// (rows claimed with SKIP LOCKED), and the entry rules are weighed (each proposal recorded once):
// however many instances run, each step happens once, and a restart picks up where it was.
public sealed class PlanLadder(PlanRunService runs, PlanRuleEngine rules, TimeProvider clock, IOptions<PlanOptions> options, ILogger<PlanLadder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RuleInterval, clock);
        do
        {
            try
            {
                while (await runs.FireDueAsync(50, stoppingToken) == 50) { }
                while (await runs.NoteOverdueTasksAsync(50, stoppingToken) == 50) { }
                if (options.Value.RulesEnabled) await rules.EvaluateAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("plan-ladder");
                logger.LogWarning(ex, "A step of the plans' clock failed; trying again shortly");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
