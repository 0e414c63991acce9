namespace CommandCenter.Domain.Linkage;

// What a unit's supervisor is told when an alert misses a limit. Plain text in the center's
// language (zh-CN): it goes to SMS gateways and logs as well as screens.
public static class LinkageNotices
{
    public static string Overdue(string category, string? address, string unitName, AlertStep step, bool supervised)
    {
        var what = step switch
        {
            AlertStep.Acknowledge => "签收",
            AlertStep.Arrive => "到场",
            _ => "反馈",
        };
        var where = string.IsNullOrWhiteSpace(address) ? "" : $"（{address.Trim()}）";
        var label = LinkageCategories.TryParse(category, out var c) ? Label(c) : category;
        return supervised
            ? $"【督办】{unitName} 的{label}工单{where}再次超时未{what}，已列入督办，请立即处置。"
            : $"【超时】{unitName} 的{label}工单{where}超时未{what}，请督促处置。";
    }

    public static string Label(LinkageCategory category) => category switch
    {
        LinkageCategory.Water => "供水",
        LinkageCategory.Power => "供电",
        LinkageCategory.Gas => "燃气",
        LinkageCategory.Heating => "供暖",
        LinkageCategory.Roads => "道路",
        LinkageCategory.UrbanManagement => "城市管理",
        LinkageCategory.CivilAffairs => "民政救助",
        LinkageCategory.Medical => "医疗卫生",
        LinkageCategory.Animals => "动物",
        _ => "其他",
    };
}
