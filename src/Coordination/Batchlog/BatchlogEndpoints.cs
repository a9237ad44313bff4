namespace RingStore.Coordination.Batchlog;

/// <summary>A node of the coordinator's datacenter as the batchlog endpoint choice sees it.</summary>
public readonly record struct BatchlogCandidate(string Endpoint, string Rack, bool IsAlive);

/// <summary>
/// Which nodes keep a logged batch's batchlog entry (Cassandra's rule): two live nodes of the coordinator's datacenter
/// other than itself, from two racks other than its own when there are such, so that one rack failing (or the
/// coordinator with its rack) leaves a copy to replay. A datacenter of one node keeps the entry on the coordinator
/// itself; with one other live node, that one; with none, nothing: the caller answers Unavailable before anything is
/// written. Pure: the caller passes the membership and the Random (the choice among equals is random so that
/// coordinators spread the batchlog load).
/// </summary>
public static class BatchlogEndpoints
{
    /// <summary>How many nodes keep an entry when there are enough.</summary>
    public const int Copies = 2;

    /// <param name="localEndpoint">The coordinator.</param>
    /// <param name="localRack">Its rack.</param>
    /// <param name="datacenter">Every token-owning node of the coordinator's datacenter, the coordinator included.</param>
    /// <returns>The chosen endpoints (distinct); empty when no other node is alive in a datacenter of several.</returns>
    public static IReadOnlyList<string> Choose(string localEndpoint, string localRack, IReadOnlyList<BatchlogCandidate> datacenter, Random random)
    {
        ArgumentNullException.ThrowIfNull(datacenter);
        ArgumentNullException.ThrowIfNull(random);
        var others = datacenter.Where(c => c.Endpoint != localEndpoint).ToList();
        if (others.Count == 0) return [localEndpoint]; // a one-node datacenter: the coordinator's own batchlog

        var live = others.Where(c => c.IsAlive).DistinctBy(c => c.Endpoint).ToList();
        if (live.Count <= Copies) return [.. live.Select(c => c.Endpoint)];

        // Enough nodes outside the coordinator's rack: use only those (a rack failure then cannot take every copy).
        var otherRacks = live.Where(c => c.Rack != localRack).ToList();
        if (otherRacks.Count >= Copies) live = otherRacks;

        var racks = live.GroupBy(c => c.Rack, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        if (racks.Count == 1)
        {
            // One rack left (the local one or a single other one): two distinct random members of it.
            var members = racks[0];
            Shuffle(members, random);
            return [members[0].Endpoint, members[1].Endpoint];
        }
        // Two racks or more: one random member from each of two random racks.
        Shuffle(racks, random);
        return [.. racks.Take(Copies).Select(r => r[random.Next(r.Count)].Endpoint)];
    }

    private static void Shuffle<T>(List<T> items, Random random)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
