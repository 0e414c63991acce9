using CommandCenter.Web.Components;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Grids;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Linkage;
using CommandCenter.Web.Features.Map;
using CommandCenter.Web.Features.Notifications;
using CommandCenter.Web.Features.Wall;
using CommandCenter.Web.Features.Patrols;
using CommandCenter.Web.Features.Plans;
using CommandCenter.Web.Features.Rooms;
using CommandCenter.Web.Infrastructure;
using CommandCenter.Web.Live;
using MudBlazor.Services;

// A command (import-grids, create-admin) takes its own arguments: they are not configuration.
var command = args.FirstOrDefault() is GridImportCommand.Name or CreateAdminCommand.Name ? args[0] : null;
var builder = WebApplication.CreateBuilder(command is null ? args : []);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddProblemDetails();
builder.Services.AddCenterBasics(builder.Configuration);
builder.Services.AddServerMemory();
builder.Services.AddCommandCenterData(builder.Configuration);
builder.Services.AddAccess(builder.Configuration);
builder.Services.AddLive(builder.Configuration);
builder.Services.AddGrids(builder.Configuration);
builder.Services.AddIncidents(builder.Configuration);
builder.Services.AddRooms();
builder.Services.AddMap(builder.Configuration);
builder.Services.AddWall(builder.Configuration);
builder.Services.AddPatrols(builder.Configuration);
builder.Services.AddDispatch(builder.Configuration);
builder.Services.AddLinkage(builder.Configuration);
builder.Services.AddNotifications(builder.Configuration);
builder.Services.AddPlans();
builder.Services.AddPlanBoard(builder.Configuration);
builder.Services.AddLinkageBoard(builder.Configuration);
builder.Services.AddCenterRateLimits(builder.Configuration);

var app = builder.Build();

if (command == GridImportCommand.Name)
    return await GridImportCommand.RunAsync(args, app.Services, Console.Out);
if (command == CreateAdminCommand.Name)
    return await CreateAdminCommand.RunAsync(args, app.Services, Console.In, Console.Out);

app.UseCenterSecurityHeaders();
if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/Error", createScopeForErrors: true);
// Inside the page handler: an API request that meets an outage is answered 503 with Retry-After,
// anything else 500 with a problem body, never an HTML page or an exception's name.
app.UseApiOutageAnswers();
// Friendly status pages for people; APIs and hubs keep their bare status codes and problem details.
app.UseWhen(http => !http.Request.Path.StartsWithSegments("/api") && !http.Request.Path.StartsWithSegments("/hubs"),
    pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
// Routing after the status pages, so a re-executed /not-found is routed to its page (and its
// AllowAnonymous) instead of meeting the deny-all fallback policy with no endpoint.
app.UseRouting();
app.UseCenterLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseCenterRateLimits();
app.UseApiRequestGuard();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous(); // the sign-in page needs its styles and scripts
app.MapCenterBasics();
app.MapServerMemory(app.Configuration);
app.MapAccessEndpoints();
app.MapLive();
app.MapIncidentEndpoints();
app.MapGridEndpoints();
app.MapMapEndpoints();
app.MapPatrolEndpoints();
app.MapDispatchEndpoints();
app.MapLinkageEndpoints();
app.MapPlanEndpoints();
app.MapPlanAdminEndpoints();
app.MapPatrolAdminEndpoints();
app.MapTrailEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode().WithCircuitDoors();

await app.RunAsync();
return 0;

public partial class Program;
