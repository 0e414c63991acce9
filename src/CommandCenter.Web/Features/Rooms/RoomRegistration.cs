namespace CommandCenter.Web.Features.Rooms;

public static class RoomRegistration
{
    // Rooms build on incidents (their timeline and state); incidents know nothing of rooms.
    public static IServiceCollection AddRooms(this IServiceCollection services)
    {
        services.AddSingleton<IncidentRoomService>();
        return services;
    }
}
