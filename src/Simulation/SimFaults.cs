namespace RingStore.Simulation;

/// <summary>The kinds of fault a run may inject (each drawn from the seed); <c>--faults</c> names them.</summary>
[Flags]
public enum SimFaults
{
    None = 0,
    /// <summary>A node dies (in-flight work lost, its durable store and hints kept) and restarts later.</summary>
    Crash = 1,
    /// <summary>A node stops processing (a long GC or VM pause): messages and timers wait until it resumes.</summary>
    Pause = 2,
    /// <summary>The network splits in two, both directions or one way only.</summary>
    Partition = 4,
    /// <summary>Messages are lost.</summary>
    Loss = 8,
    /// <summary>A node's disk fails for a while: its writes and reads answer an error, its hints cannot be stored.</summary>
    Disk = 16,
    /// <summary>Messages are delivered twice.</summary>
    Duplicate = 32,
    /// <summary>Some messages are slow (50..150 ms), so later ones overtake them.</summary>
    Reorder = 64,
    All = Crash | Pause | Partition | Loss | Disk | Duplicate | Reorder,
    /// <summary>A new node joins the ring (balanced tokens, pending ranges, streaming from the replicas that lose ranges).</summary>
    Join = 128,
    /// <summary>A ring member decommissions (pending ranges, streams its ranges away, hands its hints over, leaves).</summary>
    Leave = 256,
    /// <summary>Anti-entropy repair runs now and then over a random vnode range (Merkle trees of each replica's data).</summary>
    Repair = 512,
    /// <summary>The topology changes and repair: not part of <see cref="All"/> (name them, or <c>everything</c>).</summary>
    Topology = Join | Leave | Repair,
    Everything = All | Topology,
}

/// <summary>Parses and names fault sets as the command line writes them: <c>crash,pause,partition,loss,disk</c>.</summary>
public static class SimFaultNames
{
    private static readonly (string Name, SimFaults Fault)[] Names =
    [
        ("crash", SimFaults.Crash), ("pause", SimFaults.Pause), ("partition", SimFaults.Partition), ("loss", SimFaults.Loss),
        ("disk", SimFaults.Disk), ("duplicate", SimFaults.Duplicate), ("reorder", SimFaults.Reorder),
        ("join", SimFaults.Join), ("leave", SimFaults.Leave), ("repair", SimFaults.Repair),
    ];

    public static IEnumerable<string> All => Names.Select(n => n.Name);

    /// <summary>
    /// A comma-separated list of names, <c>all</c> (every fault but the topology changes and repair), <c>everything</c>
    /// (those too) or <c>none</c>; null when a name is unknown.
    /// </summary>
    public static SimFaults? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var faults = SimFaults.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("all", StringComparison.OrdinalIgnoreCase)) faults |= SimFaults.All;
            else if (part.Equals("everything", StringComparison.OrdinalIgnoreCase)) faults |= SimFaults.Everything;
            else if (part.Equals("none", StringComparison.OrdinalIgnoreCase)) continue;
            else if (Names.FirstOrDefault(n => n.Name.Equals(part, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found) faults |= found.Fault;
            else return null;
        }
        return faults;
    }

    public static string Format(SimFaults faults) =>
        faults == SimFaults.None ? "none" : string.Join(',', Names.Where(n => faults.HasFlag(n.Fault)).Select(n => n.Name));
}
