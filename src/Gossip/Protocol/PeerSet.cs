namespace RingStore.Gossip.Protocol;

/// <summary>
/// Set of peers with O(1) add, remove and uniform random pick (the live and unreachable sets). Each entry keeps its
/// own position, so membership needs no hashing. Removal swaps the last item into the hole: the order, and so which
/// peer a seeded pick returns, depends only on the sequence of adds and removes.
/// </summary>
internal sealed class PeerSet(bool live)
{
    private readonly List<PeerEntry> _entries = [];

    public int Count => _entries.Count;

    /// <summary>The members' endpoints, in set order (a live view).</summary>
    public IReadOnlyList<string> Items => field ??= new EndpointList(_entries);

    public PeerEntry this[int index] => _entries[index];

    public bool Add(PeerEntry entry)
    {
        if (Slot(entry) >= 0)
        {
            return false;
        }
        SetSlot(entry, _entries.Count);
        _entries.Add(entry);
        return true;
    }

    public bool Remove(PeerEntry entry)
    {
        int i = Slot(entry);
        if (i < 0)
        {
            return false;
        }
        SetSlot(entry, -1);
        int lastIndex = _entries.Count - 1;
        PeerEntry last = _entries[lastIndex];
        _entries.RemoveAt(lastIndex);
        if (i < lastIndex)
        {
            _entries[i] = last;
            SetSlot(last, i);
        }
        return true;
    }

    public PeerEntry Pick(Random random) => _entries[random.Next(_entries.Count)];

    private int Slot(PeerEntry entry) => live ? entry.LiveSlot : entry.UnreachableSlot;

    private void SetSlot(PeerEntry entry, int slot)
    {
        if (live)
        {
            entry.LiveSlot = slot;
        }
        else
        {
            entry.UnreachableSlot = slot;
        }
    }

    private sealed class EndpointList(List<PeerEntry> entries) : IReadOnlyList<string>
    {
        public int Count => entries.Count;

        public string this[int index] => entries[index].Endpoint;

        public IEnumerator<string> GetEnumerator()
        {
            foreach (PeerEntry entry in entries)
            {
                yield return entry.Endpoint;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
