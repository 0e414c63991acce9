using System.Collections.Immutable;

namespace CommandCenter.Web.Live;

// In-process subscribers to one kind of notice. A handler runs in the execution context it
// subscribed from (a circuit's culture); a failing handler is reported and the others still run.
public sealed class Subscribers<T>
{
    private ImmutableList<Action<T>> _handlers = [];

    public IDisposable Add(Action<T> handler)
    {
        var context = ExecutionContext.Capture();
        Action<T> run = context is null ? handler : value => ExecutionContext.Run(context, _ => handler(value), null);
        ImmutableInterlocked.Update(ref _handlers, list => list.Add(run));
        return new Unsubscriber(this, run);
    }

    public void Publish(T value, Action<Exception> onError)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                handler(value);
            }
            catch (Exception ex)
            {
                onError(ex);
            }
        }
    }

    private sealed class Unsubscriber(Subscribers<T> owner, Action<T> run) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref owner._handlers, list => list.Remove(run));
    }
}
