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

    // A fleet system that provisions patrol units and their devices.
    public const string PatrolAdmin = "patrol:admin";

    public static readonly IReadOnlyList<string> All = [IncidentsRead, IncidentsWrite, PositionsWrite, PatrolAdmin];
}

public static class Policies
{
    public const string ViewBoard = nameof(ViewBoard);
    public const string ReadIncidents = nameof(ReadIncidents);
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
