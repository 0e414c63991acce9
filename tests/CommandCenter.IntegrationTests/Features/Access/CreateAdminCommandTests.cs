using CommandCenter.Web.Features.Access;
using Microsoft.AspNetCore.Hosting;

namespace CommandCenter.IntegrationTests.Features.Access;

// The first admin of a deployment, created from the command line with a password read from
// standard input (or a file), never from the code or the configuration.
public class CreateAdminCommandTests() : OwnAppTest(b => b.UseSetting("Access:SeedDemoUsers", "false"))
{
    private const string Strong = "Chief#Passw0rd-2026";
    private async Task<(int Code, string Output)> RunAsync(string input, params string[] args)
    {
        var output = new StringWriter();
        var code = await CreateAdminCommand.RunAsync([CreateAdminCommand.Name, .. args], App.Services, new StringReader(input), output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_the_policys_reasons_and_no_account_is_made()
    {
        var (code, output) = await RunAsync("short\n", "chief");

        Assert.Equal(1, code);
        Assert.Contains("Refused: password:", output);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM \"AspNetUsers\""));
    }

    [Fact]
    public async Task The_first_admin_is_created_from_standard_input_audited_and_can_sign_in()
    {
        var (code, output) = await RunAsync($"{Strong}\n", "chief", "--display-name", "值班主任");

        Assert.Equal(0, code);
        Assert.Contains("Admin 'chief' created", output);
        Assert.Equal("system|create-admin|user.create|chief", await Database.ScalarAsync<string>(
            "SELECT actor_kind || '|' || actor_name || '|' || action || '|' || target FROM audit_log WHERE action = 'user.create'"));
        using var signedIn = await SignIn.AsAsync(App, "chief", Strong);
        Assert.True((await signedIn.GetAsync("/admin/users", TestContext.Current.CancellationToken)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_second_admin_is_refused_unless_forced_and_the_password_may_come_from_a_file()
    {
        Assert.Equal(0, (await RunAsync(Strong, "chief")).Code);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, $"{Strong}\n", TestContext.Current.CancellationToken);
        try
        {
            var (refused, output) = await RunAsync("", "deputy", "--password-file", file);
            var (forced, _) = await RunAsync("", "deputy", "--password-file", file, "--force");

            Assert.Equal(1, refused);
            Assert.Contains("an admin exists already (chief)", output);
            Assert.Equal(0, forced);
            Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM \"AspNetUsers\""));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
