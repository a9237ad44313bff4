using RingStore.Coordination;
using RingStore.Node.Messaging;

namespace RingStore.Node.Streaming;

/// <summary>
/// A node told to take over ranges (by a decommissioning node, or the coordinator of a removenode) pulls them from
/// the named source and answers when it holds them. The stream is driven by the receiver in every operation, so
/// throttling, import and progress have one implementation.
/// </summary>
public sealed class StreamPullVerbHandler(RangeStreamer streamer) : IVerbHandler
{
    public async ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = CoordinationMessageSerializer.Deserialize<StreamPullRequest>(payload);
        var response = await streamer.PullAsync(request.Operation, request.Source, request.Items, progress: null, cancellationToken).ConfigureAwait(false);
        return CoordinationMessageSerializer.Serialize(response);
    }
}
