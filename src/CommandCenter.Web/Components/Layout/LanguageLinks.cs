using System.Globalization;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Components.Layout;

// The language switch of the app bars: two links to /culture/set back to this page, the current
// language marked. A fragment of its layout, not a component: it is on every screen.
public static class LanguageLinks
{
    public static RenderFragment Draw(NavigationManager nav, string label) => builder =>
    {
        var back = Uri.EscapeDataString("/" + nav.ToBaseRelativePath(nav.Uri));
        var current = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        builder.OpenElement(0, "nav");
        builder.AddAttribute(1, "class", "cc-languages");
        builder.AddAttribute(2, "aria-label", label);
        builder.AddAttribute(3, "data-testid", "language-menu");
        foreach (var (culture, language, text) in new[] { ("zh-CN", "zh", "中文"), ("en-US", "en", "EN") })
        {
            builder.OpenElement(4, "a");
            builder.AddAttribute(5, "href", $"/culture/set?culture={culture}&redirectUri={back}");
            builder.AddAttribute(6, "lang", culture);
            builder.AddAttribute(7, "aria-current", Aria.Current(current == language));
            builder.AddContent(8, text);
            builder.CloseElement();
        }
        builder.CloseElement();
    };
}
