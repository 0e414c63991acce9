using System.Security.Claims;

namespace CommandCenter.Web.Features.Access;

public static class Roles
{
    public const string Admin = "Admin";
    public const string DutyOfficer = "DutyOfficer";
    public const string Dispatcher = "Dispatcher";
    public const string Leader = "Leader";
    public const string LinkageOperator = "LinkageOperator";
    public const string Responder = "Responder";
    // The wall display's kiosk account: sees the board, changes nothing.
    public const string WallDisplay = "WallDisplay";

    public static readonly IReadOnlyList<string> All = [Admin, DutyOfficer, Dispatcher, Leader, LinkageOperator, Responder, WallDisplay];

    // Roles that work for one unit or agency; the binding comes from the user, never a request.
    public static bool NeedsUnit(string role) => role is LinkageOperator or Responder;
}

public static class Scopes
{
    public const string IncidentsRead = "incidents:read";
    public const string IncidentsWrite = "incidents:write";
    // A GPS gateway's batches (POST /api/positions). Phones using the OsmAnd protocol
    // authenticate as registered devices instead.
    public const string PositionsWrite = "positions:write";
    // Live positions, trails and replay: where the units are is not part of reading incidents.
    public const string PositionsRead = "positions:read";

    // A fleet system that provisions patrol units and their devices.
    public const string PatrolAdmin = "patrol:admin";

    // The 110 system forwarding linkage alerts (JSON or CAP).
    public const string AlertsWrite = "alerts:write";

    public static readonly IReadOnlyList<string> All = [IncidentsRead, IncidentsWrite, PositionsRead, PositionsWrite, PatrolAdmin, AlertsWrite];
}

// Every door names one of these (or AllowAnonymous); a door that names none refuses everyone.
public static class Policies
{
    // A person signed in with the cookie, whatever the role: sign-out, the Blazor circuit (each
    // page then checks its own policy).
    public const string SignedIn = nameof(SignedIn);
    public const string ViewBoard = nameof(ViewBoard);
    public const string LeadIncidents = nameof(LeadIncidents);
    public const string ReadPositions = nameof(ReadPositions);
    // Sending units: the people at the dispatch desks.
    public const string Dispatch = nameof(Dispatch);
    // 核查结案: closing a resolved case is the duty officer's.
    public const string CloseIncidents = nameof(CloseIncidents);
    // 应急预案: the desks start and escalate plans, leaders approve; the same people read them.
    public const string CommandPlans = nameof(CommandPlans);
    // Moving a unit along its assignment: the desks, and the responder for their own unit.
    public const string AdvanceAssignments = nameof(AdvanceAssignments);
    // A unit's duty (available, assigned…): the desks and the patrol:admin key.
    public const string ChangeDuty = nameof(ChangeDuty);
    // 110 linkage: the sender (alerts:write), the desk that routes and supervises, and the work
    // on an alert (the desk, or an operator for their own unit's alerts).
    public const string ReportAlerts = nameof(ReportAlerts);
    public const string LinkageDesk = nameof(LinkageDesk);
    public const string LinkageWork = nameof(LinkageWork);
    // The responder's phone page.
    public const string Respond = nameof(Respond);
    // The live hub: incidents or positions; each hub method then checks its own.
    public const string ConnectLive = nameof(ConnectLive);
    // Grid workers' phone numbers: only for the roles that dispatch.
    public const string ContactStaff = nameof(ContactStaff);
    public const string ReadIncidents = nameof(ReadIncidents);
    // The district's territory (grids, communities, outline): whoever reads incidents, and the
    // responder, whose phone map shows where the incident lies among the grids.
    public const string ReadTerritory = nameof(ReadTerritory);
    public const string ReportIncidents = nameof(ReportIncidents);
    public const string HandleIncidents = nameof(HandleIncidents);
    public const string ReportPositions = nameof(ReportPositions);
    public const string AdministerPatrols = nameof(AdministerPatrols);
    public const string Administer = nameof(Administer);
}

public static class AccessClaims
{
    public const string Scope = "scope";
    public const string Unit = "cc:unit";
    public const string DisplayName = "cc:display_name";
    public const string ActorKind = "cc:actor_kind";

    public static bool HasScope(this ClaimsPrincipal user, string scope) => user.HasClaim(Scope, scope);
}
