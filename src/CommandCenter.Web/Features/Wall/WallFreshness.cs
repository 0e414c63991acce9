using CommandCenter.Web.Features.Map;

namespace CommandCenter.Web.Features.Wall;

public enum WallFreshnessState { Connecting, Live, Stale, Down }

// Is the picture on the wall current? Down: the map's live connection is lost. Stale: nothing
// has arrived for StaleAfter (since the last event, or since the wall opened if none yet).
public sealed record WallFreshness(WallFreshnessState State, DateTimeOffset QuietSince)
{
    public bool NeedsBanner => State is WallFreshnessState.Down or WallFreshnessState.Stale;

    public static WallFreshness Of(MapLiveStatus map, DateTimeOffset? lastEventAt, DateTimeOffset openedAt, DateTimeOffset now, TimeSpan staleAfter)
    {
        var quietSince = lastEventAt ?? openedAt;
        var state = map switch
        {
            MapLiveStatus.Down => WallFreshnessState.Down,
            _ when now - quietSince >= staleAfter => WallFreshnessState.Stale,
            MapLiveStatus.Connecting => WallFreshnessState.Connecting,
            _ => WallFreshnessState.Live,
        };
        return new WallFreshness(state, quietSince);
    }
}
