using Microsoft.AspNetCore.Components.Web;

namespace CommandCenter.Web.Components;

public static class RenderModes
{
    // No prerender: the dashboard's state is live, and a prerendered copy would subscribe twice
    // and show buttons that cannot yet be clicked.
    public static readonly InteractiveServerRenderMode Dashboard = new(prerender: false);
}
