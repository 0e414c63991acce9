using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using System.Xml;
using System.Xml.Linq;

namespace CommandCenter.Web.Features.Linkage;

// What one delivery reports: a step of an alert, for the 110 system that sent it.
// OriginalReference is the CAP "sender,identifier,sent" of the alert as 110 sent it.
public sealed record FeedbackStep(
    Guid DeliveryId, long AlertId, string ExternalId, string Step, DateTimeOffset At, string? Unit, string? Text, string OriginalReference);

// The body forms of the feedback to 110 and their signature. Pure: no I/O, no clock.
public static class LinkageFeedbackMessages
{
    public const string JsonFormat = "json";
    public const string CapFormat = "cap";
    public const string SignatureHeader = "X-CC-Signature";
    public const string DeliveryHeader = "X-CC-Delivery";
    public const string TimestampHeader = "X-CC-Timestamp";
    public static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Chinese stays readable; <, >, &, quotes are still escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    // History entry kind → the step code 110 is told; null: not reported (received, queued, updated).
    public static string? StepOf(string entryKind) => entryKind switch
    {
        "routed" => "routed",
        "acknowledge" => "acknowledged",
        "arrive" => "arrived",
        "feedback" => "feedback",
        "handed_back" => "handed_back",
        "cancelled" => "cancelled",
        "overdue" => "overdue",
        "supervised" => "supervised",
        _ => null,
    };

    public static bool IsFormat(string? format) => format is JsonFormat or CapFormat;

    public static string ContentType(string format) => format == CapFormat ? "application/cap+xml" : "application/json";

    public static string Body(string format, FeedbackStep step, string capSender) =>
        format == CapFormat ? CapBody(step, capSender) : JsonBody(step);

    // {"delivery","alertId","externalId","step","at","unit","text"}: text is the feedback (反馈),
    // the reason (退单) or the missed step (overdue); null otherwise.
    public static string JsonBody(FeedbackStep s) =>
        JsonSerializer.Serialize(new FeedbackJson(s.DeliveryId, s.AlertId, s.ExternalId, s.Step, s.At, s.Unit, s.Text), Json);

    private sealed record FeedbackJson(Guid Delivery, long AlertId, string ExternalId, string Step, DateTimeOffset At, string? Unit, string? Text);

    // CAP 1.2: Ack for 签收, Update for every other step; references name the original alert.
    public static string CapBody(FeedbackStep s, string sender)
    {
        ArgumentNullException.ThrowIfNull(s);
        var ack = s.Step == "acknowledged";
        var alert = new XElement(Cap + "alert",
            new XElement(Cap + "identifier", s.DeliveryId.ToString()),
            new XElement(Cap + "sender", XmlText(sender)),
            new XElement(Cap + "sent", CapTime(s.At)),
            new XElement(Cap + "status", "Actual"),
            new XElement(Cap + "msgType", ack ? "Ack" : "Update"),
            new XElement(Cap + "scope", "Restricted"),
            new XElement(Cap + "restriction", "110 linkage feedback"),
            new XElement(Cap + "note", XmlText(string.Join(" · ", new[] { s.Step, s.Unit, s.Text }.Where(t => !string.IsNullOrEmpty(t))))),
            new XElement(Cap + "references", XmlText(s.OriginalReference)),
            ack ? null : new XElement(Cap + "info",
                new XElement(Cap + "category", "Other"),
                new XElement(Cap + "event", "110联动反馈"),
                new XElement(Cap + "urgency", "Unknown"),
                new XElement(Cap + "severity", "Unknown"),
                new XElement(Cap + "certainty", "Unknown"),
                s.Unit is null ? null : new XElement(Cap + "senderName", XmlText(s.Unit)),
                new XElement(Cap + "headline", s.Step),
                s.Text is null ? null : new XElement(Cap + "description", XmlText(s.Text)),
                Parameter("step", s.Step),
                Parameter("alertId", s.AlertId.ToString(CultureInfo.InvariantCulture)),
                Parameter("externalId", XmlText(s.ExternalId))));
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
            new XDocument(new XDeclaration("1.0", "utf-8", null), alert).Save(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static XElement Parameter(string name, string value) =>
        new(Cap + "parameter", new XElement(Cap + "valueName", name), new XElement(Cap + "value", value));

    // The CAP reference of an alert 110 sent: "sender,identifier,sent". An alert that came as JSON
    // has no CAP identity: its source and external id stand in, without the separators CAP forbids.
    public static string CapReference(string sender, string identifier, DateTimeOffset sent) =>
        $"{CapToken(sender)},{CapToken(identifier)},{CapTime(sent)}";

    private static string CapToken(string text) =>
        string.Create(text.Length, text, (span, t) => { for (var i = 0; i < t.Length; i++) span[i] = t[i] is ' ' or ',' or '<' or '&' || char.IsWhiteSpace(t[i]) ? '_' : t[i]; });

    // CAP dateTime: seconds, an explicit offset, and UTC written as -00:00 (never Z).
    public static string CapTime(DateTimeOffset at)
    {
        var whole = new DateTimeOffset(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, at.Offset);
        return whole.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            + (at.Offset == TimeSpan.Zero ? "-00:00" : whole.ToString("zzz", CultureInfo.InvariantCulture));
    }

    // Characters XML cannot carry at all (control characters, lone surrogates) are dropped;
    // everything else is escaped by the writer.
    private static string XmlText(string text)
    {
        var kept = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) kept.Append(text, i++, 2);
            else if (XmlConvert.IsXmlChar(text[i])) kept.Append(text[i]);
        }
        return kept.ToString();
    }

    // X-CC-Signature: sha256=<lower-case hex of HMAC-SHA256(secret, UTF-8 body)>.
    public static string Sign(string body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public static bool Verify(string body, string secret, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(body, secret)), Encoding.ASCII.GetBytes(signature));

    // Between claims: FirstBackoff, doubling, capped at MaxBackoff.
    public static TimeSpan Backoff(int attempts, TimeSpan first, TimeSpan max)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 30);
        var ticks = first.Ticks * Math.Pow(2, doublings);
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
