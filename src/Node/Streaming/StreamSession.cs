namespace RingStore.Node.Streaming;

/// <summary>Progress of one stream between this node and a peer, for netstats. Counters are updated as pages arrive.</summary>
public sealed class StreamSession(string operation, string peer, string direction, long rangesTotal, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private long _finished; // timestamp when Finish was called; 0 while running
    private long _rangesDone;
    private long _bytes;
    private long _partitions;
    private string _state = "running";

    public string Operation { get; } = operation;
    public string Peer { get; } = peer;
    public string Direction { get; } = direction;
    public long RangesTotal { get; } = rangesTotal;
    public long RangesDone => Interlocked.Read(ref _rangesDone);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long Partitions => Interlocked.Read(ref _partitions);
    public string State => Volatile.Read(ref _state);
    public string Tables { get; set; } = "";
    public TimeSpan Elapsed => Interlocked.Read(ref _finished) is var end and not 0
        ? time.GetElapsedTime(_started, end)
        : time.GetElapsedTime(_started);

    public double MiBPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / 1048576.0 / Elapsed.TotalSeconds : 0;

    public void AddPage(long bytes, int partitions)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _partitions, partitions);
    }

    public void RangeDone() => Interlocked.Increment(ref _rangesDone);

    private long _filesTotal;
    private long _filesDone;

    /// <summary>SSTables offered whole (entire-SSTable streaming) and those received and installed.</summary>
    public long FilesTotal => Interlocked.Read(ref _filesTotal);
    public long FilesDone => Interlocked.Read(ref _filesDone);

    public void AddFilesOffered(int count) => Interlocked.Add(ref _filesTotal, count);

    public void FileDone(long partitions)
    {
        Interlocked.Increment(ref _filesDone);
        Interlocked.Add(ref _partitions, partitions);
    }

    public void Finish(string? failure)
    {
        Interlocked.CompareExchange(ref _finished, time.GetTimestamp(), 0);
        Volatile.Write(ref _state, failure is null ? "done" : $"failed: {failure}");
    }
}

/// <summary>The stream sessions of this node (running and the last finished ones), for netstats.</summary>
public sealed class StreamRegistry(TimeProvider time)
{
    private const int KeepFinished = 32;
    private readonly List<StreamSession> _sessions = [];
    private readonly object _gate = new();
    private long _trimmedBytesIn, _trimmedBytesOut;

    public StreamSession Open(string operation, string peer, string direction, long rangesTotal)
    {
        var session = new StreamSession(operation, peer, direction, rangesTotal, time);
        lock (_gate)
        {
            _sessions.Add(session);
            var finished = _sessions.Where(s => s.State != "running").ToList();
            for (int i = 0; i < finished.Count - KeepFinished; i++)
            {
                _sessions.Remove(finished[i]);
                if (finished[i].Direction == "in") _trimmedBytesIn += finished[i].Bytes; else _trimmedBytesOut += finished[i].Bytes;
            }
        }
        return session;
    }

    public IReadOnlyList<StreamSession> Sessions
    {
        get { lock (_gate) return [.. _sessions]; }
    }

    private readonly Dictionary<string, StreamSession> _outbound = new(StringComparer.Ordinal);

    /// <summary>The source side keeps one "out" session per receiving peer, counting pages served.</summary>
    public void RecordSent(string peer, long bytes, int partitions)
    {
        StreamSession? session;
        lock (_gate)
        {
            if (!_outbound.TryGetValue(peer, out session))
            {
                session = new StreamSession("stream", peer, "out", 0, time);
                _outbound[peer] = session;
                _sessions.Add(session);
            }
        }
        session.AddPage(bytes, partitions);
    }

    /// <summary>Bytes streamed since start in one direction ("in" or "out"), including trimmed sessions: a counter that never goes back.</summary>
    public long TotalBytes(string direction)
    {
        lock (_gate)
            return (direction == "in" ? _trimmedBytesIn : _trimmedBytesOut) + _sessions.Where(s => s.Direction == direction).Sum(s => s.Bytes);
    }

    /// <summary>Bytes received by all sessions so far (tests check a resumed bootstrap streams less).</summary>
    public long BytesReceived => Sessions.Where(s => s.Direction == "in").Sum(s => s.Bytes);
}
