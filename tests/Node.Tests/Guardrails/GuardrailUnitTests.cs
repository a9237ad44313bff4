using CsCheck;
using RingStore.Core.Serialization;
using RingStore.Coordination;
using RingStore.Node.Guardrails;
using RingStore.Node.Requests;
using RingStore.Node.Tests.Coordination;

namespace RingStore.Node.Tests.Guardrails;

/// <summary>The pure parts: the warning collector, the mutation size bound, the replica response's warnings field.</summary>
public sealed class GuardrailUnitTests
{
    [Fact]
    public async Task Client_warnings_reach_the_request_scope_from_child_tasks_deduplicated_and_stop_at_the_scope_end()
    {
        using (var scope = ClientWarnings.Begin())
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => ClientWarnings.Add("same warning from three replicas"))));
            ClientWarnings.AddAll(["second", "second"]);
            Assert.Equal(["same warning from three replicas", "second"], scope.Messages.Order(StringComparer.Ordinal));
        }
        Assert.Null(ClientWarnings.Current);
        ClientWarnings.Add("no request: dropped"); // internal work (hints, repair) has no client to warn
    }

    [Fact]
    public void The_size_upper_bound_is_never_below_the_encoded_size() =>
        PartitionGen.Update.Sample(u => MutationSizeLimit.UpperBound(u) >= DataSerializer.Serialize(u).Length);

    [Fact]
    public void The_limit_is_the_smallest_of_commit_log_entry_hint_and_frame_less_overheads()
    {
        Assert.Equal(100, new MutationSizeLimit(100, 200, 1000, 32).Bytes);
        Assert.Equal(90, new MutationSizeLimit(100, 90, 1000, 32).Bytes);
        Assert.Equal(200 - 32 - MutationSizeLimit.MutationMessageOverheadBytes, new MutationSizeLimit(1000, 1000, 200, 32).Bytes);
    }

    [Fact]
    public void Read_responses_keep_their_warnings_over_messagepack_and_older_answers_without_them_still_decode()
    {
        var withWarnings = ReadResponseMessage.ForData(null) with { Warnings = ["careful"] };
        var decoded = CoordinationMessageSerializer.Deserialize<ReadResponseMessage>(CoordinationMessageSerializer.Serialize(withWarnings));
        Assert.Equal(["careful"], decoded.Warnings!);

        // An older replica writes four keys: the warnings are simply absent.
        var old = MessagePack.MessagePackSerializer.Serialize(new object?[] { 1, true, null, new byte[16] });
        var fromOld = CoordinationMessageSerializer.Deserialize<ReadResponseMessage>(old);
        Assert.True(fromOld.IsDigest);
        Assert.Null(fromOld.Warnings);

        var range = new RangeReadResponseMessage(1, [], false, Warnings: ["w"]);
        Assert.Equal(["w"], CoordinationMessageSerializer.Deserialize<RangeReadResponseMessage>(CoordinationMessageSerializer.Serialize(range)).Warnings!);
        var oldRange = MessagePack.MessagePackSerializer.Serialize(new object?[] { 1, Array.Empty<byte[]>(), true });
        Assert.Null(CoordinationMessageSerializer.Deserialize<RangeReadResponseMessage>(oldRange).Warnings);
    }

    [Fact]
    public void The_tombstone_guardrail_warns_over_warn_fails_over_fail_and_is_silent_at_the_thresholds()
    {
        var guardrail = new TombstoneGuardrail(10, 100, (t, k) => "42", TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Assert.Null(guardrail.Check("ks.t", [1], 10));
        Assert.Contains("ks.t partition key '42'", guardrail.Check("ks.t", [1], 11), StringComparison.Ordinal);
        Assert.NotNull(guardrail.Check("ks.t", [1], 100));
        var e = Assert.Throws<Core.Errors.TombstoneOverwhelmingException>(() => guardrail.Check("ks.t", [1], 101));
        Assert.Contains("Scanned over 100 tombstones during query on ks.t partition key '42'", e.Message, StringComparison.Ordinal);
        Assert.Equal(100, guardrail.MaxTombstones);
        Assert.Equal(long.MaxValue, new TombstoneGuardrail(0, 0, (t, k) => "", TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).MaxTombstones);
    }

    [Fact]
    public void A_tombstone_failure_and_an_oversize_mutation_map_to_non_retryable_client_errors_with_their_text()
    {
        var tombstones = Api.ErrorMapping.ToRpcException(new Core.Errors.TombstoneOverwhelmingException("ks.t", "42", 101, 100));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, tombstones.StatusCode);
        Assert.Equal("InvalidRequest", tombstones.Trailers.GetValue(Api.ErrorMapping.KindTrailer));
        Assert.Contains("partition key '42'", tombstones.Status.Detail, StringComparison.Ordinal);

        var size = Api.ErrorMapping.ToRpcException(new Core.Errors.ValueTooLargeException("v", 20, 10, "Mutation of ks.t is 20 bytes"));
        Assert.Equal("ValueTooLarge", size.Trailers.GetValue(Api.ErrorMapping.KindTrailer));
        Assert.Equal("Mutation of ks.t is 20 bytes", size.Status.Detail);
    }
}
