using System.Text.RegularExpressions;
using CommandCenter.Web.Features.Patrols;

namespace CommandCenter.Tests.Scripts;

public sealed partial class DeployConfigTests
{
    // A gateway's batch that the app would take must not be cut off by the load balancer first.
    [Fact]
    public void TheLoadBalancersBodyLimitIsTheAppsBatchLimit()
    {
        var nginx = File.ReadAllText(Path.Combine(RepoRoot, "deploy", "nginx.conf"));
        var match = BodyLimit().Match(nginx);
        Assert.True(match.Success, "deploy/nginx.conf sets no client_max_body_size (nginx's default is 1 MiB).");
        var bytes = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * match.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" => 1024L,
            "m" => 1024L * 1024,
            "g" => 1024L * 1024 * 1024,
            _ => 1L,
        };
        Assert.Equal(new PatrolOptions().MaxBatchBytes, bytes);
    }

    [GeneratedRegex(@"^\s*client_max_body_size\s+(\d+)([kKmMgG]?)\s*;", RegexOptions.Multiline)]
    private static partial Regex BodyLimit();

    internal static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException("CommandCenter.sln not found above the test binaries.");
        }
    }
}
