using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// Mutable sorted ring the balanced allocator grows one token at a time. Internal scratch space only:
/// everything published is an immutable <see cref="RingSnapshot"/>.
/// </summary>
internal sealed class ScratchRing(Topology topology, List<long> tokens, List<int> owners) : IRingView
{
    public Topology Topology { get; } = topology;

    public int VnodeCount => tokens.Count;

    public Token TokenAt(int vnodeIndex) => new(tokens[vnodeIndex]);

    public int OwnerAt(int vnodeIndex) => owners[vnodeIndex];

    /// <summary>Index the token would take; -1 when already present.</summary>
    public int InsertionIndex(long token)
    {
        int i = tokens.BinarySearch(token);
        return i >= 0 ? -1 : ~i;
    }

    /// <summary>Index of a token known to be present.</summary>
    public int IndexOf(long token)
    {
        int i = tokens.BinarySearch(token);
        return i >= 0 ? i : throw new InvalidOperationException($"token {token} is not in the ring");
    }

    public void RemoveAt(int index)
    {
        tokens.RemoveAt(index);
        owners.RemoveAt(index);
    }

    public void Insert(int index, long token, int owner)
    {
        tokens.Insert(index, token);
        owners.Insert(index, owner);
    }
}
