namespace CommandCenter.Web;

// Marker for IStringLocalizer<Strings>: Resources/Strings.resx (English) and Strings.zh-CN.resx.
#pragma warning disable CA1052 // a marker type for the localizer, never instantiated
public sealed class Strings;
#pragma warning restore CA1052
