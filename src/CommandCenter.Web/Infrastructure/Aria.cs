namespace CommandCenter.Web.Infrastructure;

// ARIA states are the strings "true"/"false"; Blazor renders a bool attribute as present/absent.
public static class Aria
{
    public static string Of(bool value) => value ? "true" : "false";
}
