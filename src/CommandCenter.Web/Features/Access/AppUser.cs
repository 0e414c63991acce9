using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Features.Access;

// Staff accounts only: a name to show and, for unit-bound roles, the unit or agency code.
public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    public string? UnitCode { get; set; }
}
