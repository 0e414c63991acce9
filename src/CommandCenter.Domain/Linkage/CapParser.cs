using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace CommandCenter.Domain.Linkage;

// Reads CAP 1.2 alerts sent by other agencies. Everything is bounded before it is trusted: size,
// nesting, no DTD (so no external entities and no entity expansion), then the CAP rules field by field.
public static partial class CapParser
{
    public const string Namespace = "urn:oasis:names:tc:emergency:cap:1.2";
    private const string CapNamespacePrefix = "urn:oasis:names:tc:emergency:cap:";
    private const string Example = "2026-12-02T10:15:00+08:00";

    public static CapParseResult Parse(string xml, CapLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        limits ??= CapLimits.Default;
        // Measured as UTF-8, so a string and the same bytes from the wire meet the same bound.
        if (Encoding.UTF8.GetByteCount(xml) > limits.MaxDocumentBytes) return TooLarge(limits);
        if (string.IsNullOrWhiteSpace(xml)) return Empty();

        using var text = new StringReader(xml);
        return Read(text, limits, () => xml.Contains("<!DOCTYPE", StringComparison.Ordinal));
    }

    public static CapParseResult Parse(ReadOnlySpan<byte> xml, CapLimits? limits = null)
    {
        limits ??= CapLimits.Default;
        if (xml.Length > limits.MaxDocumentBytes) return TooLarge(limits);

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(xml.Length, 1));
        try
        {
            xml.CopyTo(buffer);
            return ReadBytes(buffer, xml.Length, limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Reads at most one byte past the limit, so an endless or huge body costs no more than the limit.
    public static CapParseResult Parse(Stream xml, CapLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        limits ??= CapLimits.Default;
        var buffer = ArrayPool<byte>.Shared.Rent(limits.MaxDocumentBytes + 1);
        try
        {
            var length = xml.ReadAtLeast(buffer.AsSpan(0, limits.MaxDocumentBytes + 1), limits.MaxDocumentBytes + 1, throwOnEndOfStream: false);
            return length > limits.MaxDocumentBytes ? TooLarge(limits) : ReadBytes(buffer, length, limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // For request bodies: Kestrel refuses synchronous reads.
    public static async Task<CapParseResult> ParseAsync(Stream xml, CapLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(xml);
        limits ??= CapLimits.Default;
        var buffer = ArrayPool<byte>.Shared.Rent(limits.MaxDocumentBytes + 1);
        try
        {
            var length = await xml.ReadAtLeastAsync(
                buffer.AsMemory(0, limits.MaxDocumentBytes + 1), limits.MaxDocumentBytes + 1, throwOnEndOfStream: false, cancellationToken);
            return length > limits.MaxDocumentBytes ? TooLarge(limits) : ReadBytes(buffer, length, limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static CapParseResult ReadBytes(byte[] buffer, int length, CapLimits limits)
    {
        if (buffer.AsSpan(0, length).Trim(" \t\r\n"u8).IsEmpty) return Empty();
        using var stream = new MemoryStream(buffer, 0, length, writable: false);
        return Read(stream, limits, () => buffer.AsSpan(0, length).IndexOf("<!DOCTYPE"u8) >= 0);
    }

    private static XmlReaderSettings SafeSettings(CapLimits limits) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        // Zero would mean "unlimited"; with DTDs prohibited only the five built-in entities remain.
        MaxCharactersFromEntities = 1024,
        MaxCharactersInDocument = limits.MaxDocumentBytes,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };

    private static CapParseResult Read(TextReader input, CapLimits limits, Func<bool> declaresDtd)
    {
        using var reader = XmlReader.Create(input, SafeSettings(limits));
        return Read(reader, limits, declaresDtd);
    }

    private static CapParseResult Read(Stream input, CapLimits limits, Func<bool> declaresDtd)
    {
        using var reader = XmlReader.Create(input, SafeSettings(limits));
        return Read(reader, limits, declaresDtd);
    }

    private static CapParseResult Read(XmlReader reader, CapLimits limits, Func<bool> declaresDtd)
    {
        var tree = ReadTree(reader, limits, declaresDtd, out var problem);
        if (problem is not null) return CapParseResult.Invalid([problem]);
        if (tree is null) return Empty();

        if (tree.LocalName != "alert" || tree.Namespace != Namespace) return Invalid("alert", WrongRoot(tree));

        var builder = new Builder(limits);
        var message = builder.Alert(tree);
        return builder.Problems.Count == 0 ? CapParseResult.Valid(message) : CapParseResult.Invalid(builder.Problems);
    }

    // A small element tree, built while depth is checked node by node; XDocument would nest first and ask later.
    private static Node? ReadTree(XmlReader reader, CapLimits limits, Func<bool> declaresDtd, out CapProblem? problem)
    {
        problem = null;
        Node? root = null;
        var open = new Stack<Node>();
        var lines = reader as IXmlLineInfo;
        try
        {
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    // Unreachable while DTDs are prohibited; kept so loosening that setting still refuses them.
                    case XmlNodeType.DocumentType:
                        problem = DtdProblem();
                        return null;
                    case XmlNodeType.Element:
                        if (reader.Depth >= limits.MaxDepth)
                        {
                            problem = new("document",
                                $"Element <{reader.Name}> at line {lines?.LineNumber} is nested {reader.Depth + 1} levels deep; at most {limits.MaxDepth} are read.");
                            return null;
                        }
                        var node = new Node(reader.LocalName, reader.NamespaceURI, reader.Name);
                        if (open.TryPeek(out var parent)) parent.Children.Add(node);
                        else root = node;
                        if (!reader.IsEmptyElement) open.Push(node);
                        break;
                    case XmlNodeType.EndElement:
                        open.Pop();
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                        if (open.TryPeek(out var owner)) owner.Text.Append(reader.Value);
                        break;
                }
            }
        }
        catch (XmlException ex)
        {
            if (root is null && declaresDtd()) problem = DtdProblem();
            else if (open.TryPeek(out var inside)) problem = new("document", $"The XML is not well-formed inside <{inside.QualifiedName}>: {ex.Message}");
            else problem = new("document", $"The body is not well-formed XML: {ex.Message}");
            return null;
        }
        return root;
    }

    private static CapProblem DtdProblem() => new("document",
        "The document declares a DTD (<!DOCTYPE …>). DTDs are refused, so no external entity or entity expansion is ever read; send the <alert> without one.");

    private static string WrongRoot(Node root)
    {
        if (root.LocalName == "alert" && root.Namespace.StartsWith(CapNamespacePrefix, StringComparison.Ordinal))
            return $"This is a CAP {root.Namespace[CapNamespacePrefix.Length..]} <alert> (namespace '{root.Namespace}'); only CAP 1.2 ('{Namespace}') is accepted.";
        if (root.LocalName == "alert")
            return $"The <alert> element is in namespace '{root.Namespace}'; CAP 1.2 alerts are in '{Namespace}'.";
        return $"The root element is <{root.QualifiedName}>{(root.Namespace.Length > 0 ? $" in namespace '{root.Namespace}'" : "")}; a CAP 1.2 <alert> in '{Namespace}' was expected.";
    }

    private static CapParseResult TooLarge(CapLimits limits) =>
        Invalid("document", $"The alert is larger than {limits.MaxDocumentBytes} bytes ({limits.MaxDocumentBytes / 1024} KB), the most the intake reads.");

    private static CapParseResult Empty() => Invalid("document", "The body is empty; a CAP 1.2 <alert> document was expected.");

    private static CapParseResult Invalid(string field, string message) => CapParseResult.Invalid([new(field, message)]);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex CapDateTimeShape();

    // CAP 1.2 fixes one shape: seconds, no fraction, a numeric offset ("-00:00" for UTC, never "Z").
    internal static bool TryParseDateTime(string text, out DateTimeOffset value, out string why)
    {
        value = default;
        why = "";
        if (text.EndsWith('Z') || text.EndsWith('z'))
            why = $"'{Clip(text)}' ends in 'Z'; CAP 1.2 writes UTC as -00:00 (e.g. 2026-12-02T02:15:00-00:00).";
        else if (!CapDateTimeShape().IsMatch(text))
            why = $"'{Clip(text)}' is not a CAP date-time with a UTC offset, like {Example}.";
        else if (!DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
            why = $"'{Clip(text)}' is not a real date and time.";
        return why.Length == 0;
    }

    internal static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";

    private sealed class Node(string localName, string ns, string qualifiedName)
    {
        public string LocalName { get; } = localName;
        public string Namespace { get; } = ns;
        public string QualifiedName { get; } = qualifiedName;
        public StringBuilder Text { get; } = new();
        public List<Node> Children { get; } = [];

        public IEnumerable<Node> Cap(string name) =>
            Children.Where(c => c.LocalName == name && c.Namespace == CapParser.Namespace);

        public string Value => Text.ToString().Trim();
    }

    // Turns the tree into a CapMessage, collecting every problem rather than stopping at the first.
    private sealed class Builder(CapLimits limits)
    {
        public List<CapProblem> Problems { get; } = [];

        private void Add(string field, string message) => Problems.Add(new(field, message));

        public CapMessage Alert(Node alert)
        {
            var identifier = Token(alert, "identifier", "identifier");
            var sender = Token(alert, "sender", "sender");
            var sent = Time(alert, "sent", "sent", required: true) ?? default;
            var status = Enum<CapStatus>(alert, "status", "status");
            var msgType = Enum<CapMsgType>(alert, "msgType", "msgType");
            var scope = Enum<CapScope>(alert, "scope", "scope");
            var note = Text(alert, "note", "note");
            var references = References(alert, msgType);

            var infoNodes = alert.Cap("info").ToList();
            if (infoNodes.Count > limits.MaxInfos)
            {
                Add("info", $"The alert has {infoNodes.Count} <info> blocks; at most {limits.MaxInfos} are read.");
                infoNodes = [];
            }
            var infos = infoNodes.Select((n, i) => Info(n, $"info[{i}]")).ToList();

            return new CapMessage(identifier, sender, sent, status ?? default, msgType ?? default, scope ?? default, note, references, infos);
        }

        private List<CapReference> References(Node alert, CapMsgType? msgType)
        {
            var text = Text(alert, "references", "references");
            if (text is null)
            {
                // An Update or Cancel that names no earlier alert cannot be applied to anything.
                if (msgType is CapMsgType.Update or CapMsgType.Cancel)
                    Add("references", $"<references> is required when msgType is {msgType}: it names the alert being changed.");
                return [];
            }

            var result = new List<CapReference>();
            var entries = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < entries.Length; i++)
            {
                var parts = entries[i].Split(',');
                if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
                {
                    Add("references", $"Entry {i + 1} '{Clip(entries[i])}' is not \"sender,identifier,sent\".");
                    continue;
                }
                if (!TryParseDateTime(parts[2], out var sent, out var why))
                {
                    Add("references", $"Entry {i + 1}: sent {why}");
                    continue;
                }
                result.Add(new CapReference(parts[0], parts[1], sent));
            }
            return result;
        }

        private CapInfo Info(Node info, string path)
        {
            var categories = new List<CapCategory>();
            var categoryNodes = info.Cap("category").ToList();
            if (categoryNodes.Count == 0) Add($"{path}.category", "At least one <category> is required.");
            foreach (var node in categoryNodes)
            {
                if (CapEnum<CapCategory>.TryParse(node.Value, out var category)) categories.Add(category);
                else Add($"{path}.category", CapEnum<CapCategory>.Unknown("category", node.Value));
            }

            var eventText = Text(info, "event", $"{path}.event", required: true) ?? "";
            var urgency = Enum<CapUrgency>(info, "urgency", $"{path}.urgency");
            var severity = Enum<CapSeverity>(info, "severity", $"{path}.severity");
            var certainty = Enum<CapCertainty>(info, "certainty", $"{path}.certainty");
            var expires = Time(info, "expires", $"{path}.expires", required: false);

            var parameters = Values(info, "parameter", $"{path}.parameter");

            var areaNodes = info.Cap("area").ToList();
            if (areaNodes.Count > limits.MaxAreasPerInfo)
            {
                Add($"{path}.area", $"The info has {areaNodes.Count} <area> blocks; at most {limits.MaxAreasPerInfo} are read.");
                areaNodes = [];
            }
            var areas = areaNodes.Select((n, i) => Area(n, $"{path}.area[{i}]")).ToList();

            return new CapInfo(
                categories, eventText, urgency ?? default, severity ?? default, certainty ?? default,
                Text(info, "senderName", $"{path}.senderName"),
                Text(info, "headline", $"{path}.headline"),
                Text(info, "description", $"{path}.description"),
                Text(info, "instruction", $"{path}.instruction"),
                Text(info, "contact", $"{path}.contact"),
                expires, parameters, areas);
        }

        private CapArea Area(Node area, string path)
        {
            var description = Text(area, "areaDesc", $"{path}.areaDesc", required: true) ?? "";

            var polygonNodes = area.Cap("polygon").ToList();
            var polygons = new List<CapPolygon>();
            for (var i = 0; i < polygonNodes.Count; i++)
            {
                var which = polygonNodes.Count > 1 ? $"Polygon {i + 1} of {polygonNodes.Count}" : "The polygon";
                if (Polygon(polygonNodes[i].Value, $"{path}.polygon", which) is { } polygon) polygons.Add(polygon);
            }

            var circleNodes = area.Cap("circle").ToList();
            var circles = new List<CapCircle>();
            for (var i = 0; i < circleNodes.Count; i++)
            {
                var which = circleNodes.Count > 1 ? $"Circle {i + 1} of {circleNodes.Count}" : "The circle";
                if (Circle(circleNodes[i].Value, $"{path}.circle", which) is { } circle) circles.Add(circle);
            }

            return new CapArea(description, polygons, circles, Values(area, "geocode", $"{path}.geocode"));
        }

        private CapPolygon? Polygon(string text, string field, string which)
        {
            var pairs = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (pairs.Length > limits.MaxPointsPerPolygon)
            {
                Add(field, $"{which} has {pairs.Length} points; at most {limits.MaxPointsPerPolygon} are read.");
                return null;
            }

            // One problem per polygon: a swapped or garbled ring is wrong at every point, and saying so once is enough.
            var points = new List<CapPoint>(pairs.Length);
            for (var i = 0; i < pairs.Length; i++)
            {
                if (Point(pairs[i], field, $"{which}, point {i + 1}") is not { } point) return null;
                points.Add(point);
            }

            if (points.Count < 4)
            {
                Add(field, $"{which} has {points.Count} points; a CAP polygon needs at least 4 \"lat,lon\" pairs, the last repeating the first.");
                return null;
            }
            if (points[0] != points[^1])
            {
                Add(field, $"{which} is not closed: it starts at {pairs[0]} and ends at {pairs[^1]}; CAP polygons repeat the first point at the end.");
                return null;
            }
            return new CapPolygon(points);
        }

        private CapCircle? Circle(string text, string field, string which)
        {
            var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                Add(field, $"{which} '{Clip(text)}' is not \"lat,lon radius_km\".");
                return null;
            }
            var center = Point(parts[0], field, $"{which}'s centre");
            // Half the Earth's circumference: beyond it a radius means nothing.
            if (!TryNumber(parts[1], out var radius) || radius < 0 || radius > 20_000)
            {
                Add(field, $"{which}'s radius '{Clip(parts[1])}' is not a distance in kilometres between 0 and 20000.");
                return null;
            }
            return center is { } c ? new CapCircle(c, radius) : null;
        }

        private CapPoint? Point(string pair, string field, string which)
        {
            var parts = pair.Split(',');
            if (parts.Length != 2 || !TryNumber(parts[0], out var lat) || !TryNumber(parts[1], out var lon))
            {
                Add(field, $"{which} '{Clip(pair)}' is not a \"lat,lon\" pair of decimal degrees.");
                return null;
            }
            if (Math.Abs(lat) > 90)
            {
                // The usual mistake is GeoJSON order (lon,lat); say so when the numbers fit that reading.
                var hint = Math.Abs(lon) <= 90 ? " CAP writes latitude first (\"lat,lon\"); the pair looks swapped." : "";
                Add(field, $"{which} '{Clip(pair)}': latitude {parts[0]} is outside -90..90.{hint}");
                return null;
            }
            if (Math.Abs(lon) > 180)
            {
                Add(field, $"{which} '{Clip(pair)}': longitude {parts[1]} is outside -180..180.");
                return null;
            }
            return new CapPoint(lat, lon);
        }

        private static bool TryNumber(string text, out double value) =>
            double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);

        private List<CapValue> Values(Node parent, string name, string field)
        {
            var result = new List<CapValue>();
            foreach (var node in parent.Cap(name))
            {
                var valueName = Text(node, "valueName", $"{field}.valueName", required: true);
                var value = Text(node, "value", $"{field}.value", required: true);
                if (valueName is not null && value is not null) result.Add(new CapValue(valueName, value));
            }
            return result;
        }

        private Node? Single(Node parent, string name, string field, bool required)
        {
            var nodes = parent.Cap(name).Take(2).ToList();
            if (nodes.Count > 1) Add(field, $"<{name}> appears more than once; CAP allows one.");
            else if ((nodes.Count == 0 || nodes[0].Value.Length == 0) && required) Add(field, $"<{name}> is required.");
            return nodes.Count == 1 ? nodes[0] : null;
        }

        private string? Text(Node parent, string name, string field, bool required = false) =>
            Single(parent, name, field, required)?.Value is { Length: > 0 } value ? value : null;

        // identifier and sender: CAP forbids spaces, commas and the XML-reserved < and &, which keeps references parseable.
        private string Token(Node parent, string name, string field)
        {
            var value = Text(parent, name, field, required: true);
            if (value is null) return "";
            if (value.Any(c => char.IsWhiteSpace(c) || c is ',' or '<' or '&'))
                Add(field, $"<{name}> '{Clip(value)}' contains a space, comma, '<' or '&', which CAP does not allow.");
            return value;
        }

        private DateTimeOffset? Time(Node parent, string name, string field, bool required)
        {
            var text = Text(parent, name, field, required);
            if (text is null) return null;
            if (TryParseDateTime(text, out var value, out var why)) return value;
            Add(field, $"<{name}> {why}");
            return null;
        }

        private T? Enum<T>(Node parent, string name, string field) where T : struct, Enum
        {
            var text = Text(parent, name, field, required: true);
            if (text is null) return null;
            if (CapEnum<T>.TryParse(text, out var value)) return value;
            Add(field, CapEnum<T>.Unknown(name, text));
            return null;
        }
    }

    // CAP values are case-sensitive names; Enum.TryParse would also take numbers and comma lists.
    private static class CapEnum<T> where T : struct, Enum
    {
        private static readonly Dictionary<string, T> ByName = System.Enum.GetValues<T>().ToDictionary(v => v.ToString(), StringComparer.Ordinal);

        public static bool TryParse(string text, out T value) => ByName.TryGetValue(text, out value);

        public static string Unknown(string element, string text) =>
            $"<{element}> '{Clip(text)}' is not one of {string.Join(", ", ByName.Keys)}.";
    }
}
