namespace RingStore.Client.Policies;

/// <summary>
/// What this client has seen of each node: an exponentially decayed average latency (DataStax's latency-aware
/// policy) and whether the node missed a deadline. Pure: callers pass <c>now</c> (from the client's TimeProvider);
/// thread-safe. <see cref="Order{T}"/> keeps the query plan's order but moves slow nodes (average above
/// <see cref="LatencyAwareOptions.ExclusionThreshold"/> x the best and <see cref="LatencyAwareOptions.MinimumDifference"/> more) after the others and suspected nodes last.
/// Neither is excluded: they are the fallback when the others fail. After <see cref="LatencyAwareOptions.RetryPeriod"/>
/// without news, a slow or suspected node takes its normal place again so that one request finds out whether it recovered.
/// </summary>
public sealed class NodeHealth(LatencyAwareOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Stats> _nodes = new(StringComparer.Ordinal);

    public LatencyAwareOptions Options { get; } = options;

    /// <summary>The node answered after <paramref name="latency"/>: a sample, and any suspicion ends.</summary>
    public void RecordLatency(string node, TimeSpan latency, TimeSpan now)
    {
        lock (_gate)
        {
            var s = Get(node);
            s.Suspected = false;
            Sample(s, latency.TotalMilliseconds, now);
        }
    }

    /// <summary>
    /// The node had not answered after <paramref name="waited"/> when another attempt won: a lower bound of its latency,
    /// recorded as a sample so a frozen node's average climbs although it never answers.
    /// </summary>
    public void RecordOvertaken(string node, TimeSpan waited, TimeSpan now)
    {
        lock (_gate) Sample(Get(node), waited.TotalMilliseconds, now);
    }

    /// <summary>The node let a request's deadline pass without answering: suspected until it answers again.</summary>
    public void MarkMissedDeadline(string node, TimeSpan now)
    {
        lock (_gate)
        {
            var s = Get(node);
            s.Suspected = true;
            s.LastNews = now;
        }
    }

    public bool IsSuspected(string node, TimeSpan now)
    {
        lock (_gate) return _nodes.TryGetValue(node, out var s) && s.Suspected && now - s.LastNews < Options.RetryPeriod;
    }

    /// <summary>The node's decayed average latency in ms (null: no sample yet).</summary>
    public double? AverageMs(string node)
    {
        lock (_gate) return _nodes.TryGetValue(node, out var s) && s.Samples > 0 ? s.AverageMs : null;
    }

    /// <summary>The plan with slow nodes after the rest and suspected nodes last; order within each group kept.</summary>
    /// <param name="byLatency">False: only suspected nodes move (last); slow ones keep their place.</param>
    public List<T> Order<T>(IReadOnlyList<T> plan, Func<T, string> nodeOf, TimeSpan now, bool byLatency = true)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(nodeOf);
        var good = new List<T>(plan.Count);
        var slow = new List<T>();
        var suspected = new List<T>();
        lock (_gate)
        {
            double best = double.MaxValue;
            foreach (var item in plan)
            {
                if (_nodes.TryGetValue(nodeOf(item), out var s) && IsMeasured(s, now) && !s.Suspected) best = Math.Min(best, s.AverageMs);
            }
            foreach (var item in plan)
            {
                if (!_nodes.TryGetValue(nodeOf(item), out var s) || now - s.LastNews >= Options.RetryPeriod) good.Add(item);
                else if (s.Suspected) suspected.Add(item);
                else if (Options.Enabled && byLatency && IsMeasured(s, now) && s.AverageMs > best * Options.ExclusionThreshold
                    && s.AverageMs - best > Options.MinimumDifference.TotalMilliseconds) slow.Add(item);
                else good.Add(item);
            }
        }
        good.AddRange(slow);
        good.AddRange(suspected);
        return good;
    }

    private bool IsMeasured(Stats s, TimeSpan now) => s.Samples >= Options.MinimumSamples && now - s.LastNews < Options.RetryPeriod;

    private Stats Get(string node)
    {
        if (!_nodes.TryGetValue(node, out var s)) _nodes[node] = s = new Stats();
        return s;
    }

    // Time-decayed: the old average keeps weight exp(-elapsed / scale), so a node sampled often moves by small steps
    // and one sampled rarely is judged mostly by its latest answer.
    private void Sample(Stats s, double ms, TimeSpan now)
    {
        if (s.Samples == 0)
        {
            s.AverageMs = ms;
        }
        else
        {
            double elapsed = Math.Max(0, (now - s.LastSample).TotalMilliseconds);
            double keep = Math.Exp(-elapsed / Options.Scale.TotalMilliseconds);
            s.AverageMs = (keep * s.AverageMs) + ((1 - keep) * ms);
        }
        s.Samples++;
        s.LastSample = now;
        s.LastNews = now;
    }

    private sealed class Stats
    {
        public double AverageMs;
        public long Samples;
        public TimeSpan LastSample;
        public TimeSpan LastNews;
        public bool Suspected;
    }
}
