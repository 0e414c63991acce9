using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Web.Features.Incidents;

public sealed record IncidentFeedOptions
{
    public const string Section = "IncidentFeed";

    // Screens are told of the shared board at most this often: a burst of events between two
    // tellings reaches every board, wall and leader's screen as one state (the latest), drawn once.
    // Every screen drawing every event was a quarter of an instance's work under a night's load
    // (issue 17); a fifth of a second is not seen by a person, and an event after a quiet spell is
    // told at once.
    [Range(typeof(TimeSpan), "00:00:00", "00:00:02")]
    public TimeSpan TellEvery { get; init; } = TimeSpan.FromMilliseconds(200);
}
