using RingStore.Node.Cluster;
using RingStore.Node.Messaging;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Requests;

/// <summary>
/// Which replicas a coordinator plans as alive: gossip says up and, for a remote one, the connection pool does not
/// already know it unreachable (its connection was refused, reset or lost and has not reconnected). Gossip needs
/// seconds to convict a dead node; the pool learns it from the first refused connect. Planning such a replica as
/// down makes two dead replicas of three an Unavailable before anything is written (a definite error the client
/// can act on) instead of a write that applied locally and then failed, and hints it at once for lower levels.
/// </summary>
internal static class ReplicaReachability
{
    public static Func<string, bool> IsUsable(MembershipSnapshot membership, IMessagingService messaging) =>
        endpoint => membership.IsAlive(endpoint)
            && (endpoint == membership.LocalEndpoint || !messaging.IsKnownUnreachable(PeerAddress.Parse(endpoint)));
}
