namespace RingStore.Gossip.State;

/// <summary>
/// The REMOVAL application state: the removals a node has coordinated, as "REMOVING:hostid" or "REMOVED:hostid"
/// entries separated by ';'. Finished removals stay listed so the removed node is never let back into the ring,
/// even by a peer that still carries its old gossip state. Pure parsing and formatting.
/// </summary>
public static class Removals
{
    public const string RemovingPrefix = "REMOVING:";
    public const string RemovedPrefix = "REMOVED:";

    public static IReadOnlyList<(Guid HostId, bool Finished)> Parse(string? value)
    {
        if (string.IsNullOrEmpty(value)) return [];
        var result = new List<(Guid, bool)>();
        foreach (string entry in value.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            bool finished = entry.StartsWith(RemovedPrefix, StringComparison.Ordinal);
            bool running = entry.StartsWith(RemovingPrefix, StringComparison.Ordinal);
            if (!finished && !running) continue; // a newer version's kind of entry: not ours to interpret
            string id = entry[(finished ? RemovedPrefix.Length : RemovingPrefix.Length)..];
            if (Guid.TryParse(id, out Guid hostId)) result.Add((hostId, finished));
        }
        return result;
    }

    /// <summary>The value with <paramref name="hostId"/> set to removing or removed (replacing any entry it had).</summary>
    public static string With(string? value, Guid hostId, bool finished)
    {
        var entries = Parse(value).Where(e => e.HostId != hostId).Append((HostId: hostId, Finished: finished));
        return string.Join(';', entries.Select(e => (e.Finished ? RemovedPrefix : RemovingPrefix) + e.HostId.ToString("D")));
    }

    /// <summary>The value without <paramref name="hostId"/> (an aborted removal).</summary>
    public static string Without(string? value, Guid hostId) =>
        string.Join(';', Parse(value).Where(e => e.HostId != hostId)
            .Select(e => (e.Finished ? RemovedPrefix : RemovingPrefix) + e.HostId.ToString("D")));
}
