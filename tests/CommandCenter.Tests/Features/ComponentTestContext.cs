using System.Globalization;
using Bunit;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace CommandCenter.Tests.Features;

// A bUnit context with what every CommandCenter component expects: MudBlazor, the real
// string resources in the chosen culture, the center clock; JS interop loose.
public abstract class ComponentTestContext : BunitContext
{
    // services: the component's own dependencies (fakes), added before anything resolves.
    protected ComponentTestContext(string culture = "zh-CN", bool interactive = true, Action<IServiceCollection>? services = null)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddSingleton(Options.Create(new CenterOptions()));
        Services.AddSingleton<CenterTime>();
        services?.Invoke(Services);
        SetRendererInfo(new RendererInfo("Server", interactive));
    }
}
