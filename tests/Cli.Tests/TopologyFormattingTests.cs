using RingStore.Cli.Commands;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tests;

public sealed class TopologyFormattingTests
{
    private static NodeStatus Node(string endpoint, string liveness, string status, long load) => new()
    {
        Node = new NodeDescription
        {
            HostId = $"0b4a6c1e-0000-4000-8000-00000000000{endpoint[^1]}",
            Endpoint = endpoint,
            Liveness = liveness,
            Status = status,
            Datacenter = "dc1",
            Rack = "rack1",
        },
        LoadBytes = load,
        Ownership = 0.25,
        TokenCount = 16,
    };

    [Theory]
    [InlineData("UP", "NORMAL", "UN")]
    [InlineData("UP", "BOOT", "UJ")]
    [InlineData("UP", "LEAVING", "UL")]
    [InlineData("UP", "REMOVING", "UL")]
    [InlineData("DOWN", "REMOVING", "DL")]
    [InlineData("DOWN", "NORMAL", "DN")]
    [InlineData("DOWN", "shutdown", "DN")]
    [InlineData("UP", "MOVING", "UM")]
    public void State_codes_combine_liveness_and_ring_status(string liveness, string status, string code) =>
        Assert.Equal(code, StatusFormatter.StateCode(Node("127.0.0.1:7000", liveness, status, 0).Node));

    [Fact]
    public void Status_lists_joining_and_leaving_nodes_with_their_load_and_not_nodes_that_left()
    {
        var status = new StatusResponse();
        status.Nodes.Add(Node("127.0.0.1:7000", "UP", "NORMAL", 3 * 1024 * 1024));
        status.Nodes.Add(Node("127.0.0.1:7001", "UP", "BOOT", 512 * 1024));
        status.Nodes.Add(Node("127.0.0.1:7002", "UP", "LEAVING", 2048));
        status.Nodes.Add(Node("127.0.0.1:7003", "DOWN", "LEFT", 0));
        string text = StatusFormatter.Format(status, effectiveOwnership: false);
        Assert.Contains("UN  127.0.0.1:7000  3 MiB    16      25.0%", text, StringComparison.Ordinal);
        Assert.Contains("UJ  127.0.0.1:7001  512 KiB  16      25.0%", text, StringComparison.Ordinal);
        Assert.Contains("UL  127.0.0.1:7002  2 KiB    16      25.0%", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:7003", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Netstats_prints_the_mode_and_one_aligned_line_per_session()
    {
        var netstats = new NetstatsResponse { Mode = "BOOT" };
        netstats.Sessions.Add(new StreamSessionInfo
        {
            Operation = "bootstrap", Peer = "127.0.0.1:7000", Direction = "receiving", KeyspaceTable = "demo.readings",
            RangesDone = 12, RangesTotal = 256, FilesDone = 1, FilesTotal = 3, BytesDone = 1_572_864, MibPerSecond = 3.25, State = "running",
        });
        netstats.Sessions.Add(new StreamSessionInfo
        {
            Operation = "bootstrap", Peer = "127.0.0.1:7001", Direction = "receiving", RangesDone = 256, RangesTotal = 256,
            BytesDone = 100, MibPerSecond = 0, State = "done",
        });
        Assert.Equal(
            "Mode: BOOT\n" +
            "Operation  Peer            Direction  Table          Ranges   Files  Bytes    MiB/s  State\n" +
            "bootstrap  127.0.0.1:7000  receiving  demo.readings  12/256   1/3    1.5 MiB  3.3    running\n" +
            "bootstrap  127.0.0.1:7001  receiving  *              256/256  -      100 B    0.0    done\n",
            NetstatsFormatter.Format(netstats));
        Assert.Equal("mode BOOT, 1 of 2 streams running, 268/512 ranges, 1.5 MiB streamed", NetstatsFormatter.Summary(netstats));
    }

    [Fact]
    public void Netstats_lists_secondary_indexes_with_their_build_state()
    {
        var netstats = new NetstatsResponse { Mode = "NORMAL" };
        netstats.Indexes.Add(new IndexBuildInfo { KeyspaceTable = "shop.customers", Index = "by_city", Column = "city", Progress = 0.4213, EntriesBuilt = 1200 });
        netstats.Indexes.Add(new IndexBuildInfo { KeyspaceTable = "shop.orders", Index = "orders_state_idx", Column = "state", Built = true, Progress = 1, EntriesBuilt = 7 });
        netstats.Indexes.Add(new IndexBuildInfo { KeyspaceTable = "shop.x", Index = "x_v_idx", Column = "v", Error = "disk full" });
        Assert.Equal(
            "Mode: NORMAL\nNot sending or receiving any streams.\n" +
            "Secondary indexes:\n" +
            "Table           Index             Column  Build              Entries built\n" +
            "shop.customers  by_city           city    building 42.1%     1200\n" +
            "shop.orders     orders_state_idx  state   built              7\n" +
            "shop.x          x_v_idx           v       failed: disk full  0\n",
            NetstatsFormatter.Format(netstats));
    }

    [Fact]
    public void Netstats_without_sessions_says_so()
    {
        var netstats = new NetstatsResponse { Mode = "NORMAL" };
        Assert.Equal("Mode: NORMAL\nNot sending or receiving any streams.\n", NetstatsFormatter.Format(netstats));
        Assert.Equal("mode NORMAL", NetstatsFormatter.Summary(netstats));
    }

    [Fact]
    public void Cleanup_prints_bytes_before_and_after_and_partitions_dropped() =>
        Assert.Equal("  127.0.0.1:9042  2 MiB -> 512 KiB (freed 1.5 MiB), 1,234 partitions dropped",
            CleanupCommand.Format("127.0.0.1:9042", new CleanupResponse { BytesBefore = 2 * 1024 * 1024, BytesAfter = 512 * 1024, PartitionsDropped = 1234 }));
}

public sealed class VerifyFormattingTests
{
    [Fact]
    public void Verify_prints_a_summary_per_node_and_each_damaged_block()
    {
        var response = new RingStore.Client.Protos.VerifyResponse { SstablesChecked = 3 };
        response.Findings.Add(new RingStore.Client.Protos.VerifyFinding
        {
            Table = "demo.readings", File = "rs-4-Data.db", Component = "Data", Block = 12, Error = "checksum mismatch",
        });
        var lines = RingStore.Cli.Commands.VerifyCommand.Format("127.0.0.1:9042", response).ToList();
        Assert.Equal("  127.0.0.1:9042  3 SSTables checked, 1 damaged", lines[0]);
        Assert.Equal("    demo.readings rs-4-Data.db (Data, block 12): checksum mismatch", lines[1]);
        Assert.Equal("  127.0.0.1:9042  0 SSTables checked, all sound",
            RingStore.Cli.Commands.VerifyCommand.Format("127.0.0.1:9042", new RingStore.Client.Protos.VerifyResponse()).Single());
    }
}
