using System.IO.Hashing;
using System.Text;

namespace RingStore.Simulation;

/// <summary>One line of a run's event log: when, which key it concerns (-1: none, e.g. a fault), what happened.</summary>
public sealed record SimEvent(TimeSpan At, int Key, bool IsFault, string Text)
{
    public override string ToString() => $"{At.TotalMilliseconds,10:0.000}ms  {Text}";
}

/// <summary>
/// Every event of a run (client operations, messages sent, delivered and dropped, faults, hints), hashed as it
/// happens so two runs can be compared byte for byte; the text itself is kept only when asked
/// (<see cref="SimulationOptions.RecordTrace"/>): the reproducer re-runs the seed with it on.
/// </summary>
public sealed class EventLog
{
    private readonly XxHash64 _hash = new();
    private readonly List<SimEvent>? _events;
    private byte[] _buffer = new byte[256];

    public EventLog(bool record) => _events = record ? [] : null;

    public long Count { get; private set; }

    /// <summary>The events kept (empty unless recording).</summary>
    public IReadOnlyList<SimEvent> Events => _events ?? [];

    /// <summary>XxHash64 of every event's time and text, in order.</summary>
    public ulong Hash => _hash.GetCurrentHashAsUInt64();

    public void Add(TimeSpan at, int key, string text, bool isFault = false)
    {
        Count++;
        Span<byte> prefix = stackalloc byte[12];
        BitConverter.TryWriteBytes(prefix, at.Ticks);
        BitConverter.TryWriteBytes(prefix[8..], key);
        _hash.Append(prefix);
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_buffer.Length < max) _buffer = new byte[max];
        int length = Encoding.UTF8.GetBytes(text, _buffer);
        _hash.Append(_buffer.AsSpan(0, length));
        _events?.Add(new SimEvent(at, key, isFault, text));
    }
}
