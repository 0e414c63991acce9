using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CommandCenter.Tests.Localization;

public partial class ResourcesTests
{
    private static string Repo
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException("CommandCenter.sln");
        }
    }

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Repo, "src", "CommandCenter.Web", "Resources", file)).Root!
            .Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [Fact]
    public void English_and_chinese_have_exactly_the_same_strings_and_none_is_empty()
    {
        var en = Read("Strings.resx");
        var zh = Read("Strings.zh-CN.resx");

        Assert.Empty(en.Keys.Except(zh.Keys));
        Assert.Empty(zh.Keys.Except(en.Keys));
        Assert.All(en.Concat(zh), kv => Assert.False(string.IsNullOrWhiteSpace(kv.Value), kv.Key));
    }

    [Fact]
    public void Every_string_a_component_asks_for_exists()
    {
        var keys = Read("Strings.resx").Keys.ToHashSet();
        var razor = Directory.EnumerateFiles(Path.Combine(Repo, "src", "CommandCenter.Web"), "*.razor*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var missing = razor
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value)))
            .Where(x => !keys.Contains(x.Key))
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_type_priority_status_and_role_has_a_label()
    {
        var keys = Read("Strings.resx").Keys.ToHashSet();
        var needed = CommandCenter.Domain.Incidents.IncidentCodes.TypeCodes.Select(c => $"Type_{c}")
            .Concat(CommandCenter.Domain.Incidents.IncidentCodes.PriorityCodes.Select(c => $"Priority_{c}"))
            .Concat(Enum.GetValues<CommandCenter.Domain.Incidents.IncidentStatus>().Select(s => $"Status_{CommandCenter.Domain.Incidents.IncidentLifecycle.ToCode(s)}"))
            .Concat(CommandCenter.Web.Features.Access.Roles.All.Select(r => $"Role_{r}"));

        var missing = needed.Where(k => !keys.Contains(k)).ToList();
        Assert.Empty(missing);
    }

    // L["Key"] with a literal key (interpolated keys are covered by the label test above).
    [GeneratedRegex("""L\["([A-Za-z_]+)"\]""")]
    private static partial Regex LiteralKey();
}
