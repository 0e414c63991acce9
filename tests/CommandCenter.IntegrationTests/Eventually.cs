namespace CommandCenter.IntegrationTests;

// The one way tests wait for something the app does in the background: poll a condition until it
// holds, or fail with what was awaited. Never a fixed sleep.
internal static class Eventually
{
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> until, TimeSpan within, string awaited)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var value = await read();
            if (until(value)) return value;
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"Waited {within.TotalSeconds:0.#} s for {awaited}; last seen: {value}.");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan within, string awaited) =>
        ReadAsync(() => Task.FromResult(condition()), held => held, within, awaited);
}
