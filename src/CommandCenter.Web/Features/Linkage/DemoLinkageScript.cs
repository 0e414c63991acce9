using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using CommandCenter.Domain.Linkage;

namespace CommandCenter.Web.Features.Linkage;

// What the demo's 110 center sends and how the demo's linkage operators answer. Pure, so the
// pace of the demo is tested without a clock; DemoLinkageFeed sends and acts on what this says.
public static class DemoLinkageScript
{
    // Every demo alert's external id starts with this: the demo operators act only on these,
    // never on an alert a person or another system sent, whichever key sent it.
    public const string IdPrefix = "DEMO-110-";
    public const string CapSender = "demo-110@cc.local";

    public sealed record Sample(string Category, CapCategory CapCategory, string Event, string Description, string Urgency, string Severity);

    public static readonly IReadOnlyList<Sample> Samples =
    [
        new("water", CapCategory.Infra, "自来水管爆裂", "路面自来水管爆裂，水流漫过人行道", "Immediate", "Moderate"),
        new("water", CapCategory.Infra, "小区停水", "整栋楼停水两小时，居民求助", "Expected", "Minor"),
        new("power", CapCategory.Infra, "片区停电", "沿街商铺和居民楼停电，红绿灯熄灭", "Immediate", "Severe"),
        new("gas", CapCategory.Safety, "燃气异味", "楼道内闻到明显燃气味", "Immediate", "Severe"),
        new("roads", CapCategory.Transport, "路面塌陷", "机动车道出现约一米塌坑", "Immediate", "Moderate"),
        new("urban_management", CapCategory.Other, "井盖缺失", "人行道井盖缺失，已有人险些踩空", "Expected", "Moderate"),
        new("urban_management", CapCategory.Other, "占道经营", "流动摊贩占用消防通道", "Future", "Minor"),
        new("civil_affairs", CapCategory.Other, "流浪人员求助", "桥洞下有流浪人员，天冷需救助", "Expected", "Moderate"),
        new("animals", CapCategory.Other, "流浪犬伤人隐患", "小区内流浪犬追咬路人", "Expected", "Moderate"),
        new("medical", CapCategory.Health, "独居老人不适", "独居老人电话称胸闷，家属不在身边", "Immediate", "Severe"),
    ];

    // How a demo unit answers an alert: most in good time, some late once (overdue), a few so late
    // that they miss twice and are listed for supervision (督办), so the ladder shows out of the box.
    public sealed record OperatorPace(TimeSpan Acknowledge, TimeSpan Arrive, TimeSpan Feedback);

    public static readonly OperatorPace Prompt = new(TimeSpan.FromSeconds(40), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(6));
    public static readonly OperatorPace Late = new(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(12));
    public static readonly OperatorPace Neglected = new(TimeSpan.FromMinutes(31), TimeSpan.FromMinutes(33), TimeSpan.FromMinutes(36));

    // By the alert's id, so every instance and every restart agrees on an alert's pace.
    public static OperatorPace PaceOf(long alertId) => (alertId % 20) switch
    {
        < 13 => Prompt,
        < 18 => Late,
        _ => Neglected,
    };

    // The step a demo operator takes now on an alert routed `sinceRouted` ago, if any.
    public static AlertStep? NextStep(AlertState state, TimeSpan sinceRouted, OperatorPace pace) => state switch
    {
        AlertState.Routed when sinceRouted >= pace.Acknowledge => AlertStep.Acknowledge,
        AlertState.Acknowledged when sinceRouted >= pace.Arrive => AlertStep.Arrive,
        AlertState.OnScene when sinceRouted >= pace.Feedback => AlertStep.Feedback,
        _ => null,
    };

    public const string FeedbackText = "已到现场处置完毕，情况已向报警人反馈（演示）";

    // The 110 center's JSON form, as POST /api/linkage-alerts takes it.
    public static string JsonBody(Sample sample, string externalId, double latitude, double longitude, string? address, DateTimeOffset sentAt) =>
        JsonSerializer.Serialize(new AlertJson(externalId, sentAt, sample.Category, null, latitude, longitude, address,
            sample.Description + "（演示数据）", "13800000000"), JsonSerializerOptions.Web);

    // The same alert in CAP 1.2; the category travels as the sender's own parameter so that
    // routing does not depend on guessing from the event text.
    public static string CapBody(Sample sample, string identifier, double latitude, double longitude, string? address, DateTimeOffset sentAt)
    {
        XNamespace cap = "urn:oasis:names:tc:emergency:cap:1.2";
        var inv = CultureInfo.InvariantCulture;
        var alert = new XElement(cap + "alert",
            new XElement(cap + "identifier", identifier),
            new XElement(cap + "sender", CapSender),
            new XElement(cap + "sent", sentAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", inv)),
            new XElement(cap + "status", "Actual"),
            new XElement(cap + "msgType", "Alert"),
            new XElement(cap + "scope", "Public"),
            new XElement(cap + "info",
                new XElement(cap + "language", "zh-CN"),
                new XElement(cap + "category", sample.CapCategory.ToString()),
                new XElement(cap + "event", sample.Event),
                new XElement(cap + "urgency", sample.Urgency),
                new XElement(cap + "severity", sample.Severity),
                new XElement(cap + "certainty", "Observed"),
                new XElement(cap + "headline", sample.Event),
                new XElement(cap + "description", sample.Description + "（演示数据）"),
                new XElement(cap + "contact", "13800000000"),
                new XElement(cap + "parameter",
                    new XElement(cap + "valueName", CapMapping.CategoryParameter),
                    new XElement(cap + "value", sample.Category)),
                new XElement(cap + "area",
                    new XElement(cap + "areaDesc", address ?? "上城区"),
                    // CAP puts latitude first; a 50 m circle around the caller's point.
                    new XElement(cap + "circle", string.Create(inv, $"{latitude:F6},{longitude:F6} 0.05")))));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), alert).ToString(SaveOptions.DisableFormatting);
    }
}
