using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Node.Native;

namespace RingStore.Node.Tests.Native;

/// <summary>
/// ERROR bodies field by field as the protocol lays them out, for the coordinator's errors a driver turns into its
/// own exception classes: Unavailable (cl, required, alive), WriteTimeout (cl, received, block for, write type),
/// ReadTimeout (cl, received, block for, data present), WriteFailure (failures count, write type).
/// </summary>
public sealed class NativeErrorBodyTests
{
    [Fact]
    public void Unavailable_carries_consistency_required_and_alive()
    {
        var r = Encode(new UnavailableException(ConsistencyLevel.Quorum, 2, 1));
        Assert.Equal(NativeErrorEncoder.Unavailable, r.ReadInt());
        Assert.Contains("2 replica(s) required", r.ReadString(), StringComparison.Ordinal);
        Assert.Equal(4, r.ReadUShort()); // QUORUM
        Assert.Equal(2, r.ReadInt());
        Assert.Equal(1, r.ReadInt());
        Assert.Equal(0, r.Remaining);
    }

    [Theory]
    [InlineData("SIMPLE")]
    [InlineData("BATCH")]
    [InlineData("UNLOGGED_BATCH")]
    public void WriteTimeout_carries_acks_and_the_write_type(string writeType)
    {
        var r = Encode(new WriteTimeoutException(ConsistencyLevel.All, 1, 3), writeType);
        Assert.Equal(NativeErrorEncoder.WriteTimeout, r.ReadInt());
        r.ReadString();
        Assert.Equal(5, r.ReadUShort()); // ALL
        Assert.Equal(1, r.ReadInt());
        Assert.Equal(3, r.ReadInt());
        Assert.Equal(writeType, r.ReadString());
        Assert.Equal(0, r.Remaining);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadTimeout_carries_data_present(bool dataPresent)
    {
        var r = Encode(new ReadTimeoutException(ConsistencyLevel.LocalQuorum, 1, 2, dataPresent));
        Assert.Equal(NativeErrorEncoder.ReadTimeout, r.ReadInt());
        r.ReadString();
        Assert.Equal(6, r.ReadUShort()); // LOCAL_QUORUM
        Assert.Equal(1, r.ReadInt());
        Assert.Equal(2, r.ReadInt());
        Assert.Equal(dataPresent ? 1 : 0, r.ReadByte());
        Assert.Equal(0, r.Remaining);
    }

    [Fact]
    public void WriteFailure_counts_the_failed_replicas()
    {
        var failures = new Dictionary<string, string> { ["127.0.0.1:7001"] = "disk full", ["127.0.0.1:7002"] = "disk full" };
        var r = Encode(new WriteFailureException(ConsistencyLevel.Quorum, 0, 2, failures), "BATCH");
        Assert.Equal(NativeErrorEncoder.WriteFailure, r.ReadInt());
        r.ReadString();
        Assert.Equal(4, r.ReadUShort());
        Assert.Equal(0, r.ReadInt());
        Assert.Equal(2, r.ReadInt());
        Assert.Equal(2, r.ReadInt());
        Assert.Equal("BATCH", r.ReadString());
        Assert.Equal(0, r.Remaining);
    }

    private static NativeReader Encode(Exception error, string writeType = "SIMPLE")
    {
        var w = new NativeWriter();
        NativeErrorEncoder.Write(w, error, writeType);
        return new NativeReader(w.ToArray());
    }
}
