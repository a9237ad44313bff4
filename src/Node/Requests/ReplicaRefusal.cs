using RingStore.Core.Errors;
using RingStore.Node.Messaging;

namespace RingStore.Node.Requests;

/// <summary>
/// A replica's answer that is a refusal by a guardrail rather than a fault (today: the tombstone failure threshold),
/// as the error the client should get, with the replica's reason text; null for other failures.
/// </summary>
public static class ReplicaRefusal
{
    public static Exception? From(Exception e) => e switch
    {
        TombstoneOverwhelmingException local => local,
        { InnerException: TombstoneOverwhelmingException wrapped } => wrapped, // the coordinator's own local read
        RequestFailedException { Reason: RequestFailureReason.TombstoneOverwhelm } remote => new TombstoneOverwhelmingException(remote.Detail),
        _ => null,
    };
}
