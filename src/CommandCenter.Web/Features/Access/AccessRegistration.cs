using CommandCenter.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Features.Access;

public static class AccessRegistration
{
    private const string SmartScheme = "CookieOrApiKey";

    private static readonly string[] BoardRoles = [Roles.Admin, Roles.DutyOfficer, Roles.Dispatcher, Roles.Leader, Roles.WallDisplay];
    private static readonly string[] ReportingRoles = [Roles.Admin, Roles.DutyOfficer, Roles.Dispatcher];

    public static IServiceCollection AddAccess(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<AccessOptions>().Bind(config.GetSection(AccessOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            // Machines send a key; people carry the Identity cookie. Pick per request.
            .AddPolicyScheme(SmartScheme, SmartScheme, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)
                || http.Request.Headers.Authorization.FirstOrDefault()?.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase) == true
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "cc.auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            // A wall display or a night shift stays signed in for a shift and more.
            o.ExpireTimeSpan = TimeSpan.FromHours(14);
            // APIs and hubs answer 401/403; only pages redirect to the sign-in form.
            o.Events.OnRedirectToLogin = ctx => Answer(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => Answer(ctx, StatusCodes.Status403Forbidden);
        });

        services.AddIdentityCore<AppUser>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CommandCenterDb>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AppClaimsFactory>()
            .AddDefaultTokenProviders();

        services.AddAuthorizationBuilder()
            // An endpoint or page that names no policy refuses everyone: a new door is shut until
            // someone decides who may pass (and the door matrix test gets its row).
            // A request that matched no endpoint at all passes, to end as a 404.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAssertion(c => c.Resource is HttpContext http && http.GetEndpoint() is null).Build())
            .AddPolicy(Policies.SignedIn, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser())
            .AddPolicy(Policies.ViewBoard, p => p.RequireRole(BoardRoles))
            .AddPolicy(Policies.LeadIncidents, p => p.RequireRole(Roles.Leader, Roles.Admin))
            .AddPolicy(Policies.ContactStaff, p => p.RequireRole(ReportingRoles))
            .AddPolicy(Policies.Dispatch, p => p.RequireRole(ReportingRoles))
            .AddPolicy(Policies.ChangeDuty, p => p.RequireAssertion(c => ReportingRoles.Any(c.User.IsInRole) || c.User.HasScope(Scopes.PatrolAdmin)))
            .AddPolicy(Policies.ReportAlerts, p => p.RequireAssertion(c => c.User.IsInRole(Roles.Admin) || c.User.HasScope(Scopes.AlertsWrite)))
            .AddPolicy(Policies.LinkageDesk, p => p.RequireRole(ReportingRoles))
            .AddPolicy(Policies.LinkageWork, p => p.RequireRole([.. ReportingRoles, Roles.LinkageOperator]))
            .AddPolicy(Policies.CloseIncidents, p => p.RequireRole(Roles.DutyOfficer, Roles.Admin))
            .AddPolicy(Policies.CommandPlans, p => p.RequireRole([.. ReportingRoles, Roles.Leader]))
            .AddPolicy(Policies.AdvanceAssignments, p => p.RequireRole([.. ReportingRoles, Roles.Responder]))
            .AddPolicy(Policies.Respond, p => p.RequireRole(Roles.Responder))
            .AddPolicy(Policies.ReadPositions, p => p.RequireAssertion(c => BoardRoles.Any(c.User.IsInRole) || c.User.HasScope(Scopes.PositionsRead)))
            .AddPolicy(Policies.ConnectLive, p => p.RequireAssertion(c =>
                BoardRoles.Any(c.User.IsInRole) || c.User.HasScope(Scopes.IncidentsRead) || c.User.HasScope(Scopes.IncidentsWrite) || c.User.HasScope(Scopes.PositionsRead)))
            .AddPolicy(Policies.ReadIncidents, p => p.RequireAssertion(c =>
                BoardRoles.Any(c.User.IsInRole) || c.User.HasScope(Scopes.IncidentsRead) || c.User.HasScope(Scopes.IncidentsWrite)))
            .AddPolicy(Policies.ReadTerritory, p => p.RequireAssertion(c =>
                BoardRoles.Any(c.User.IsInRole) || c.User.IsInRole(Roles.Responder) || c.User.HasScope(Scopes.IncidentsRead) || c.User.HasScope(Scopes.IncidentsWrite)))
            .AddPolicy(Policies.ReportIncidents, p => p.RequireAssertion(c =>
                ReportingRoles.Any(c.User.IsInRole) || c.User.HasScope(Scopes.IncidentsWrite)))
            .AddPolicy(Policies.HandleIncidents, p => p.RequireAssertion(c =>
                ReportingRoles.Any(c.User.IsInRole) || c.User.HasScope(Scopes.IncidentsWrite)))
            .AddPolicy(Policies.ReportPositions, p => p.RequireAssertion(c => c.User.IsInRole(Roles.Admin) || c.User.HasScope(Scopes.PositionsWrite)))
            .AddPolicy(Policies.AdministerPatrols, p => p.RequireAssertion(c => c.User.IsInRole(Roles.Admin) || c.User.HasScope(Scopes.PatrolAdmin)))
            .AddPolicy(Policies.Administer, p => p.RequireRole(Roles.Admin));

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddSingleton<SessionValidator>();
        services.AddSingleton<KioskPairing>();
        // Cookies, circuits and hub connections all re-check their credential this often.
        services.AddOptions<SecurityStampValidatorOptions>().Configure<Microsoft.Extensions.Options.IOptions<AccessOptions>>((o, access) => o.ValidationInterval = access.Value.RevalidateEvery);
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<UserAdmin>();
        services.AddHostedService<AccessSeeder>();
        return services;
    }

    private static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        var path = ctx.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/health"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    public static IEndpointRouteBuilder MapAccessEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", SignOutAsync).RequireAuthorization(Policies.SignedIn);
        return app;
    }

    public static async Task<RedirectHttpResult> SignOutAsync(HttpContext http, SignInManager<AppUser> signIn, AuditLog audit)
    {
        if (http.User.Identity?.IsAuthenticated == true) await audit.WriteAsync(Actor.From(http), AuditActions.SignedOut, http.User.Identity.Name);
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/account/login");
    }
}

public sealed record AccessOptions
{
    public const string Section = "Access";

    // Demo accounts for every role. Production refuses to start with it on (ProductionGuard).
    public bool SeedDemoUsers { get; init; }

    // Their password: set by appsettings.Development.json, the tests or the demo compose file.
    public string? DemoPassword { get; init; }

    // A key the demo and the end-to-end tests can use (scopes incidents:read, incidents:write).
    public string? DemoApiKey { get; init; }

    // How long an instance trusts a key it has checked: a key revoked on another instance still works
    // there for at most this long (on the instance that revoked it, it stops at once).
    public TimeSpan ApiKeyCacheFor { get; init; } = TimeSpan.FromSeconds(15);

    // How soon a revoked key or a locked, demoted or reset user loses an open circuit, hub
    // connection or cookie session.
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RevalidateEvery { get; init; } = TimeSpan.FromSeconds(30);
}

// Puts the display name and unit binding into the cookie, so every request knows them.
public sealed class AppClaimsFactory(
    Microsoft.AspNetCore.Identity.UserManager<AppUser> users,
    Microsoft.AspNetCore.Identity.RoleManager<IdentityRole> roles,
    Microsoft.Extensions.Options.IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    protected override async Task<System.Security.Claims.ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new(AccessClaims.DisplayName, string.IsNullOrEmpty(user.DisplayName) ? user.UserName ?? user.Id : user.DisplayName));
        identity.AddClaim(new(AccessClaims.ActorKind, Actor.UserKind));
        if (user.UnitCode is { Length: > 0 } unit) identity.AddClaim(new(AccessClaims.Unit, unit));
        return identity;
    }
}

// A circuit lives for hours: re-check every Access:RevalidateEvery that the credential behind it
// is still current (SessionValidator).
public sealed class RevalidatingIdentityStateProvider(ILoggerFactory loggerFactory, SessionValidator sessions, Microsoft.Extensions.Options.IOptions<AccessOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.RevalidateEvery;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        sessions.IsCurrentAsync(authenticationState.User, cancellationToken);
}

public static class CircuitDoors
{
    // Blazor's own endpoints carry no policy of their own, so the deny-all fallback would shut
    // them: the circuit (the /_blazor hub) is for signed-in people, each page then checks its own
    // policy; the opaque redirect only follows a data-protected address, so anyone may pass.
    public static RazorComponentsEndpointConventionBuilder WithCircuitDoors(this RazorComponentsEndpointConventionBuilder builder)
    {
        builder.Add(endpoint =>
        {
            if (endpoint is not RouteEndpointBuilder route) return;
            var pattern = route.RoutePattern.RawText ?? "";
            if (pattern.StartsWith("/_blazor", StringComparison.Ordinal)) endpoint.Metadata.Add(new AuthorizeAttribute(Policies.SignedIn));
            else if (pattern == "/_framework/opaque-redirect") endpoint.Metadata.Add(new AllowAnonymousAttribute());
        });
        return builder;
    }
}
