using CommandCenter.Web.Features.Patrols;

namespace CommandCenter.Tests.Features.Patrols;

public class UnknownDeviceCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_flood_of_made_up_ids_stays_within_the_entry_bound_keeping_the_newest()
    {
        var cache = new UnknownDeviceCache(maxEntries: 1_000, maxBytes: long.MaxValue);

        for (var i = 0; i < 50_000; i++) cache.Add($"made-up-{i}", Now.AddSeconds(10));

        Assert.Equal(1_000, cache.Count);
        Assert.True(cache.Contains("made-up-49999", Now));
        Assert.False(cache.Contains("made-up-0", Now));
    }

    [Fact]
    public void Long_ids_stay_within_the_byte_bound()
    {
        var cache = new UnknownDeviceCache(maxEntries: 1_000_000, maxBytes: 64 * 1024);

        for (var i = 0; i < 10_000; i++) cache.Add($"{i:D8}-{new string('x', 56)}", Now.AddSeconds(10));

        Assert.InRange(cache.Bytes, 1, 64 * 1024);
        Assert.Equal(cache.Count * UnknownDeviceCache.SizeOf($"{0:D8}-{new string('x', 56)}"), cache.Bytes);
    }

    [Fact]
    public void A_miss_is_remembered_until_its_time_and_forgotten_when_removed()
    {
        var cache = new UnknownDeviceCache(10, 10_000);

        cache.Add("phone-1", Now.AddSeconds(10));

        Assert.True(cache.Contains("phone-1", Now.AddSeconds(9)));
        Assert.False(cache.Contains("phone-1", Now.AddSeconds(10)));
        cache.Remove("phone-1");
        Assert.False(cache.Contains("phone-1", Now));
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void A_repeated_miss_is_counted_once()
    {
        var cache = new UnknownDeviceCache(10, 10_000);

        cache.Add("phone-1", Now.AddSeconds(10));
        cache.Add("phone-1", Now.AddSeconds(20));

        Assert.Equal(1, cache.Count);
        Assert.Equal(UnknownDeviceCache.SizeOf("phone-1"), cache.Bytes);
        Assert.True(cache.Contains("phone-1", Now.AddSeconds(15)));
    }
}
