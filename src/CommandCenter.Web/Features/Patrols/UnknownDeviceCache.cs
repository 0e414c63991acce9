using System.Collections.Concurrent;

namespace CommandCenter.Web.Features.Patrols;

// Device ids looked up and not found, each until a time. Bounded by entries and by bytes: past
// either bound the oldest are dropped, so a flood of made-up ids costs lookups, never memory.
public sealed class UnknownDeviceCache(int maxEntries, long maxBytes)
{
    // The key's characters, the entry and its place in the queue, roughly.
    private const int OverheadBytes = 96;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly Lock _trim = new();
    private long _bytes;

    public int Count => _until.Count;

    public long Bytes => Interlocked.Read(ref _bytes);

    public static long SizeOf(string deviceId) => deviceId.Length * sizeof(char) + OverheadBytes;

    public bool Contains(string deviceId, DateTimeOffset now) => _until.TryGetValue(deviceId, out var until) && until > now;

    public void Add(string deviceId, DateTimeOffset until)
    {
        if (maxEntries == 0 || SizeOf(deviceId) > maxBytes) return;
        if (_until.TryAdd(deviceId, until))
        {
            Interlocked.Add(ref _bytes, SizeOf(deviceId));
            _order.Enqueue(deviceId);
        }
        else _until[deviceId] = until; // already queued: a fresher deadline, same place in line
        if (_until.Count > maxEntries || Bytes > maxBytes) Trim();
    }

    public void Remove(string deviceId)
    {
        // Its queue entry stays until trimmed, and then finds nothing to remove.
        if (_until.TryRemove(deviceId, out _)) Interlocked.Add(ref _bytes, -SizeOf(deviceId));
    }

    private void Trim()
    {
        lock (_trim)
        {
            while ((_until.Count > maxEntries || Bytes > maxBytes) && _order.TryDequeue(out var oldest)) Remove(oldest);
        }
    }
}
