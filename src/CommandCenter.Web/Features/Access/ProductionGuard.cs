using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Incidents;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Access;

// Production must not carry anything whose password or key is published: demo accounts, the
// development API key, the demo feeds. It refuses to start and says what to do instead.
public static class ProductionGuard
{
    // Marks an account the demo seeder created (its password is in the repository).
    public const string DemoClaim = "cc:demo";
    public const string SeedActor = "seed";

    public static IReadOnlyList<string> ConfigurationProblems(AccessOptions access, DemoOptions demo)
    {
        var problems = new List<string>();
        if (access.SeedDemoUsers)
            problems.Add("Access:SeedDemoUsers is on: remove it (demo accounts are for Development and docker-compose.demo.yml) and create the first admin with `create-admin NAME`.");
        if (!string.IsNullOrEmpty(access.DemoApiKey))
            problems.Add("Access:DemoApiKey is set: remove it and create keys at /admin/api-keys.");
        if (demo.Enabled)
            problems.Add("Demo:Enabled is on: the demo feeds invent incidents and units; use docker-compose.demo.yml for a demonstration.");
        return problems;
    }

    public static async Task<IReadOnlyList<string>> DatabaseProblemsAsync(CommandCenterDb db, CancellationToken ct)
    {
        var problems = new List<string>();
        var demoUsers = await (from c in db.UserClaims
                               join u in db.Users on c.UserId equals u.Id
                               where c.ClaimType == DemoClaim
                               orderby u.UserName
                               select u.UserName).ToListAsync(ct);
        if (demoUsers.Count > 0)
            problems.Add($"Demo accounts with the published password exist ({string.Join(", ", demoUsers)}): delete them (DELETE FROM \"AspNetUsers\" WHERE id IN (SELECT user_id FROM \"AspNetUserClaims\" WHERE claim_type = '{DemoClaim}')) or start this database in Development.");
        var seededKeys = await db.ApiKeys.Where(k => k.CreatedBy == SeedActor && k.RevokedAt == null).Select(k => k.Name).ToListAsync(ct);
        if (seededKeys.Count > 0)
            problems.Add($"The development API key is active ({string.Join(", ", seededKeys)}): revoke it at /admin/api-keys (in Development) or set revoked_at on it in api_keys.");
        return problems;
    }

    public static string Message(IEnumerable<string> problems) =>
        "Production refuses to start:\n- " + string.Join("\n- ", problems);
}
