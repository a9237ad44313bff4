namespace RingStore.Node.Messaging;

/// <summary>
/// Which requests a replica drops once their expiry passed (Cassandra's droppable verbs: their senders have given up,
/// and for writes a hint or repair covers the drop) and which it also stops while running.
/// Gossip, schema, streaming, topology and repair validation are never dropped: they carry no client's deadline and
/// some must run to the end whatever their sender does.
/// </summary>
public static class ExpiringVerbs
{
    /// <summary>Not started once expired: the work would answer no one.</summary>
    public static bool DropsWhenExpired(Verb verb) => verb is Verb.Read or Verb.DigestRead or Verb.RangeRead or Verb.RangeAggregate or Verb.IndexLookup
        or Verb.Mutation or Verb.ReadRepair or Verb.Hint or Verb.RepairFetch or Verb.RepairDigests;

    /// <summary>
    /// Also handed a token that fires at the expiry, so a long read stops mid-way. Reads only: a write, once started,
    /// runs to its end (stopping between the commit log and the memtable would leave a write that appears only after a
    /// restart's replay). The repair handlers do not look at a token yet: an expired repair page is dropped, one
    /// already running finishes.
    /// </summary>
    public static bool CancelsAtExpiry(Verb verb) => verb is Verb.Read or Verb.DigestRead or Verb.RangeRead or Verb.RangeAggregate or Verb.IndexLookup;

    /// <summary>The verbs a coordinator sends for a client's request: their expiry is also bounded by the client's deadline.</summary>
    public static bool FollowsClientDeadline(Verb verb) => verb is Verb.Read or Verb.DigestRead or Verb.RangeRead or Verb.RangeAggregate or Verb.IndexLookup or Verb.Mutation;
}
