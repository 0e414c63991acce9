using MudBlazor;

namespace CommandCenter.Web.Components.Layout;

public static class CenterTheme
{
    // CJK-first: the UI is Chinese by default and must not fall back to a font without the glyphs.
    public static readonly MudTheme Dark = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", "sans-serif"],
            },
        },
    };
}
