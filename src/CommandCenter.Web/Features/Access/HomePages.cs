namespace CommandCenter.Web.Features.Access;

// Where a person lands after signing in when no particular page was asked for: the wall on its
// display, a leader's tablet on their cases, a responder's phone on their assignment, the desks
// on the board.
public static class HomePages
{
    public const string Board = "/";
    public const string Leader = "/leader";
    public const string Responder = Dispatch.ResponderPage.Route;
    public const string Wall = Features.Wall.WallPage.Route;
    public const string Linkage = "/linkage";

    public static string For(IEnumerable<string> roles)
    {
        var has = roles.ToHashSet(StringComparer.Ordinal);
        if (has.Contains(Roles.WallDisplay)) return Wall;
        if (has.Contains(Roles.Leader)) return Leader;
        // Someone who also sits at a desk starts at the board, which shows more.
        if (has.Contains(Roles.Responder) && !has.Overlaps([Roles.Admin, Roles.DutyOfficer, Roles.Dispatcher])) return Responder;
        if (has.Contains(Roles.LinkageOperator) && !has.Overlaps([Roles.Admin, Roles.DutyOfficer, Roles.Dispatcher])) return Linkage;
        return Board;
    }
}
