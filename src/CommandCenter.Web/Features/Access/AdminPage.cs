using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CommandCenter.Web.Features.Access;

// Admin pages act as the signed-in user of their circuit (HttpContext is gone after the first request).
public abstract class AdminPage : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [CascadingParameter(Name = ClientAddress.CascadeName)] private ClientAddress? Client { get; set; }

    protected async Task<Actor> MeAsync() => Actor.From((await AuthenticationState).User, Client?.Value);
}
