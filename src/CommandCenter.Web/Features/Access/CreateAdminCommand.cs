using CommandCenter.Web.Data;
using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Features.Access;

// `dotnet CommandCenter.Web.dll create-admin NAME [--password-file FILE] [--display-name TEXT] [--force]`
// The first admin of a deployment, without a password in the code, a config file or the log:
// the password comes from FILE or standard input (typed unseen at a terminal). It refuses when
// an admin exists already, unless --force. Exit code 0: created; 1: refused; 2: usage.
public static class CreateAdminCommand
{
    public const string Name = "create-admin";

    private const string Usage = "Usage: create-admin NAME [--password-file FILE] [--display-name TEXT] [--force]  (the password is read from FILE, else from standard input)";

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextReader input, TextWriter output)
    {
        string? userName = null, passwordFile = null, displayName = null;
        var force = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--force": force = true; break;
                case "--password-file" when i + 1 < args.Length: passwordFile = args[++i]; break;
                case "--display-name" when i + 1 < args.Length: displayName = args[++i]; break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || userName is not null)
                    {
                        await output.WriteLineAsync($"Unexpected argument '{args[i]}'.\n{Usage}");
                        return 2;
                    }
                    userName = args[i];
                    break;
            }
        }
        if (string.IsNullOrWhiteSpace(userName))
        {
            await output.WriteLineAsync($"Name the admin account.\n{Usage}");
            return 2;
        }

        await services.GetRequiredService<DatabaseMigrator>().StartAsync(CancellationToken.None);
        await using (var scope = services.CreateAsyncScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in Roles.All)
                if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var admins = await users.GetUsersInRoleAsync(Roles.Admin);
            if (admins.Count > 0 && !force)
            {
                await output.WriteLineAsync($"Refused: an admin exists already ({string.Join(", ", admins.Select(a => a.UserName).Order())}). An admin adds users at /admin/users; --force adds another admin here.");
                return 1;
            }
        }

        var password = passwordFile is not null ? FirstLine(await File.ReadAllTextAsync(passwordFile)) : await ReadPasswordAsync(input, output);
        if (string.IsNullOrEmpty(password))
        {
            await output.WriteLineAsync("Refused: no password was given (a file's or standard input's first line).");
            return 1;
        }

        var errors = await services.GetRequiredService<UserAdmin>().CreateAsync(
            new NewUser(userName, displayName ?? userName, Roles.Admin, null, password), Actor.System(Name));
        if (errors.Count > 0)
        {
            foreach (var (field, messages) in errors)
                foreach (var message in messages) await output.WriteLineAsync($"Refused: {field}: {message}");
            return 1;
        }
        await output.WriteLineAsync($"Admin '{userName}' created. Sign in at /account/login; add other users at /admin/users.");
        return 0;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('\r');

    private static async Task<string> ReadPasswordAsync(TextReader input, TextWriter output)
    {
        if (!ReferenceEquals(input, Console.In) || Console.IsInputRedirected)
            return FirstLine(await input.ReadToEndAsync());
        // At a terminal: read without echo.
        await output.WriteAsync("Password: ");
        var typed = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (typed.Length > 0) typed.Length--; }
            else if (!char.IsControl(key.KeyChar)) typed.Append(key.KeyChar);
        }
        await output.WriteLineAsync();
        return typed.ToString();
    }
}
