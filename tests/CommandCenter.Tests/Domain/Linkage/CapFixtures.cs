namespace CommandCenter.Tests.Domain.Linkage;

// Hand-written CAP 1.2 documents shaped after the OASIS element tables, not copied from any feed.
// Tests derive broken variants with Replace, so each one shows exactly what it breaks.
internal static class CapFixtures
{
    public const string WaterSender = "water.hangzhou.example";
    public const string BurstMainId = "HZW-20261202-0001";
    public const string BurstMainSent = "2026-12-02T10:15:00+08:00";

    // A square of about 220 m around 30.2437,120.1683, written "lat,lon" and closed.
    public const string BurstMainPolygon =
        "30.2427,120.1673 30.2427,120.1693 30.2447,120.1693 30.2447,120.1673 30.2427,120.1673";

    public const string BurstMain = $$"""
        <?xml version="1.0" encoding="UTF-8"?>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>{{BurstMainId}}</identifier>
          <sender>{{WaterSender}}</sender>
          <sent>{{BurstMainSent}}</sent>
          <status>Actual</status>
          <msgType>Alert</msgType>
          <scope>Public</scope>
          <info>
            <language>zh-CN</language>
            <category>Infra</category>
            <event>供水管道爆管</event>
            <urgency>Immediate</urgency>
            <severity>Severe</severity>
            <certainty>Observed</certainty>
            <expires>2026-12-02T18:00:00+08:00</expires>
            <senderName>杭州市供水热线</senderName>
            <headline>文三路学院路口 DN600 供水主管爆裂</headline>
            <description>路面冒水约 30 cm 高，东向车道积水。</description>
            <instruction>请交警协助封闭东向两条车道。</instruction>
            <contact>0571-00000000</contact>
            <parameter>
              <valueName>category</valueName>
              <value>water</value>
            </parameter>
            <area>
              <areaDesc>西湖区文三路与学院路交叉口</areaDesc>
              <polygon>{{BurstMainPolygon}}</polygon>
              <geocode>
                <valueName>adcode</valueName>
                <value>330106</value>
              </geocode>
            </area>
          </info>
        </alert>
        """;

    // A gas smell reported with a circle only and no explicit category parameter.
    public const string GasSmellCircle = """
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>GAS-7781</identifier>
          <sender>gas.hangzhou.example</sender>
          <sent>2026-12-02T21:40:05-00:00</sent>
          <status>Actual</status>
          <msgType>Alert</msgType>
          <scope>Public</scope>
          <info>
            <category>Safety</category>
            <event>居民楼道燃气异味</event>
            <urgency>Immediate</urgency>
            <severity>Moderate</severity>
            <certainty>Likely</certainty>
            <area>
              <areaDesc>拱墅区大关路 12 号附近</areaDesc>
              <circle>30.3050,120.1520 0.3</circle>
            </area>
          </info>
        </alert>
        """;

    public const string BurstMainReference = $"{WaterSender},{BurstMainId},{BurstMainSent}";

    public const string BurstMainUpdate = $$"""
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>HZW-20261202-0002</identifier>
          <sender>{{WaterSender}}</sender>
          <sent>2026-12-02T11:05:00+08:00</sent>
          <status>Actual</status>
          <msgType>Update</msgType>
          <scope>Public</scope>
          <references>{{BurstMainReference}}</references>
          <info>
            <category>Infra</category>
            <event>供水管道爆管</event>
            <urgency>Expected</urgency>
            <severity>Moderate</severity>
            <certainty>Observed</certainty>
            <headline>阀门已关闭，抢修中</headline>
            <area>
              <areaDesc>西湖区文三路与学院路交叉口</areaDesc>
              <polygon>{{BurstMainPolygon}}</polygon>
            </area>
          </info>
        </alert>
        """;

    public const string BurstMainCancel = $$"""
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>HZW-20261202-0003</identifier>
          <sender>{{WaterSender}}</sender>
          <sent>2026-12-02T16:30:00+08:00</sent>
          <status>Actual</status>
          <msgType>Cancel</msgType>
          <scope>Public</scope>
          <note>抢修完毕，恢复通行</note>
          <references>
            {{BurstMainReference}}
            {{WaterSender}},HZW-20261202-0002,2026-12-02T11:05:00+08:00
          </references>
        </alert>
        """;

    public const string NotCap = """
        <?xml version="1.0"?>
        <rss version="2.0"><channel><title>停水通知</title></channel></rss>
        """;

    public const string Cap11 = """
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.1">
          <identifier>OLD-1</identifier>
          <sender>old.example</sender>
          <sent>2026-12-02T10:15:00+08:00</sent>
          <status>Actual</status>
          <msgType>Alert</msgType>
          <scope>Public</scope>
        </alert>
        """;

    // Would put the password file into <identifier> if entities were resolved.
    public const string ExternalEntity = """
        <?xml version="1.0"?>
        <!DOCTYPE alert [ <!ENTITY leak SYSTEM "file:///etc/passwd"> ]>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>&leak;</identifier>
          <sender>x.example</sender>
          <sent>2026-12-02T10:15:00+08:00</sent>
          <status>Actual</status>
          <msgType>Alert</msgType>
          <scope>Public</scope>
        </alert>
        """;

    public const string ExternalDtd = """
        <?xml version="1.0"?>
        <!DOCTYPE alert SYSTEM "file:///etc/passwd">
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>
        """;

    // Ten levels of tenfold entities: 10^9 copies of "ha" if anything expanded them.
    public static string EntityExpansion()
    {
        var entities = new System.Text.StringBuilder("<!ENTITY e0 \"ha\">");
        for (var i = 1; i <= 9; i++)
            entities.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY e{i} \"{string.Concat(Enumerable.Repeat($"&e{i - 1};", 10))}\">");
        return $"""
            <?xml version="1.0"?>
            <!DOCTYPE alert [ {entities} ]>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note>&e9;</note></alert>
            """;
    }

    public static string NestedInNote(int levels) =>
        BurstMain.Replace("<scope>Public</scope>",
            "<scope>Public</scope>" + string.Concat(Enumerable.Repeat("<x:ext xmlns:x=\"urn:example\">", levels))
            + string.Concat(Enumerable.Repeat("</x:ext>", levels)), StringComparison.Ordinal);

    public static string WithDescriptionOf(int characters) =>
        BurstMain.Replace("路面冒水约 30 cm 高，东向车道积水。", new string('a', characters), StringComparison.Ordinal);
}
