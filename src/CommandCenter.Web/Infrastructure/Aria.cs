namespace CommandCenter.Web.Infrastructure;

// ARIA states are the strings "true"/"false"; Blazor renders a bool attribute as present/absent.
public static class Aria
{
    public static string Of(bool value) => value ? "true" : "false";

    // aria-current on the one current item of a set; left out on the others.
    public static string? Current(bool value) => value ? "true" : null;
}
