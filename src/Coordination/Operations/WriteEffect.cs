using RingStore.Gossip.Ring;

namespace RingStore.Coordination.Operations;

/// <summary>What a <see cref="WriteOperation"/> asks its driver to do. The driver reports each outcome back as an event.</summary>
public abstract record WriteEffect
{
    /// <summary>Store a hint for the replica; answer with <see cref="WriteOperation.OnHintResult"/>.</summary>
    public sealed record StoreHint(NodeInfo Replica) : WriteEffect;

    /// <summary>Apply the mutation to this node's engine; answer with <see cref="WriteOperation.OnAck"/> or <see cref="WriteOperation.OnFailure"/>.</summary>
    public sealed record ApplyLocally(NodeInfo Replica) : WriteEffect;

    /// <summary>Send the mutation to a remote replica; answer with OnAck, or OnFailure on an error answer, a lost connection or its timeout.</summary>
    public sealed record SendMutation(NodeInfo Replica) : WriteEffect;

    /// <summary>Arm the operation's one timer; when it fires, call <see cref="WriteOperation.OnTimeout"/>.</summary>
    public sealed record ArmTimeout(TimeSpan At) : WriteEffect;

    /// <summary>Answer the client: success when <paramref name="Error"/> is null. Emitted exactly once.</summary>
    public sealed record Answer(Exception? Error) : WriteEffect
    {
        /// <summary>The success answer, shared (immutable) so a successful write does not allocate one.</summary>
        public static Answer Success { get; } = new((Exception?)null);
    }
}
