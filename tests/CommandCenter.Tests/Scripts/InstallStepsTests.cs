using System.Diagnostics;

namespace CommandCenter.Tests.Scripts;

// The install steps' package lists, proven from nothing: each step's `apt-get install` is
// simulated on an empty package status, so a package this machine happens to have cannot hide
// one the step forgets (as `postgis` once hid PostGIS's extension, which only a recommended
// package brought). The file each step needs must come from a package in that set.
public sealed class InstallStepsTests
{
    public static TheoryData<string> Steps => ["db", "test"];

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task EveryFileAStepNeedsComesFromAPackageItsInstallBringsOntoAnEmptySystem(string step)
    {
        var rows = (await RunAsync("bash", ["scripts/install.sh", step, "--list"]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .Select(parts => (Package: parts[0], File: parts[1]))
            .ToList();
        Assert.NotEmpty(rows);

        var emptyStatus = Path.GetTempFileName();
        try
        {
            string[] simulate = ["-s", "-o", $"Dir::State::status={emptyStatus}", "install", "--no-install-recommends", .. rows.Select(r => r.Package)];
            var installed = (await RunAsync("apt-get", simulate))
                .Split('\n')
                .Where(line => line.StartsWith("Inst ", StringComparison.Ordinal))
                .Select(line => line.Split(' ')[1])
                .ToHashSet(StringComparer.Ordinal);

            foreach (var (package, file) in rows)
            {
                Assert.Contains(package, installed);
                // Which package really owns the file (links followed: PostGIS's control file is an
                // alternatives link into another package). The test command installs every step
                // before the suites run, so the file is here.
                Assert.True(File.Exists(file), $"{file} is not on this machine: run `bash scripts/install.sh {step}` first.");
                var owner = (await RunAsync("dpkg", ["-S", Path.GetFullPath(ResolveLinks(file))])).Split(':')[0];
                Assert.True(installed.Contains(owner), $"{file} comes from {owner}, which installing [{string.Join(' ', rows.Select(r => r.Package))}] does not bring onto an empty system.");
            }
        }
        finally
        {
            File.Delete(emptyStatus);
        }
    }

    private static string ResolveLinks(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    private static async Task<string> RunAsync(string command, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} exited {process.ExitCode}: {error}");
        return await output;
    }

    private static string RepoRoot => DeployConfigTests.RepoRoot;
}
