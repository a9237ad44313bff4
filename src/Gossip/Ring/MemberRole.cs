namespace RingStore.Gossip.Ring;

/// <summary>What a gossiped endpoint is in the ring, after host ids, removals and replacements are resolved.</summary>
public enum MemberRole
{
    /// <summary>Owns its tokens (NORMAL, or shut down and expected back).</summary>
    Normal,
    /// <summary>BOOT: tokens announced, receives writes for its pending ranges, serves no reads yet.</summary>
    Joining,
    /// <summary>LEAVING: still owns its tokens while it streams them away.</summary>
    Leaving,
    /// <summary>Being removed by removenode (dead): still in the ring until the surviving replicas have streamed.</summary>
    Removing,
    /// <summary>Being replaced by a --replace node (dead): still in the ring until the replacement is NORMAL.</summary>
    BeingReplaced,
    /// <summary>Not in the ring: LEFT, removed, replaced, superseded by a newer incarnation, or in conflict.</summary>
    Out,
}
