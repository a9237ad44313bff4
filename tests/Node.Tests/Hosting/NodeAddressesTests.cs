using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RingStore.Node.Hosting;

namespace RingStore.Node.Tests.Hosting;

/// <summary>
/// Listen, broadcast and rpc addresses (issue 18, "a cluster across hosts"): defaults keep every address on the listen
/// address as before; host names and seeds become IP literals once at start; advertising a wildcard is refused.
/// </summary>
public sealed class NodeAddressesTests
{
    private static readonly Dictionary<string, IPAddress[]> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["node-a.example"] = [IPAddress.Parse("fd00::a"), IPAddress.Parse("10.201.1.11")],
        ["node-b.example"] = [IPAddress.Parse("10.201.1.12")],
        ["v6only.example"] = [IPAddress.Parse("fd00::c")],
    };

    private static IPAddress[] Lookup(string host) =>
        Names.TryGetValue(host, out var found) ? found : throw new System.Net.Sockets.SocketException(11001);

    [Fact]
    public void By_default_every_address_is_the_listen_address()
    {
        var options = new NodeOptions { ListenAddress = "10.0.0.5", InternodePort = 7001, GrpcPort = 9161, NativePort = 9043 };
        Assert.Equal(("10.0.0.5", "10.0.0.5", "10.0.0.5"), (options.EffectiveBroadcastAddress, options.EffectiveRpcAddress, options.EffectiveBroadcastRpcAddress));
        Assert.Equal(("10.0.0.5:7001", "10.0.0.5:9161", "10.0.0.5:9043"), (options.InternodeEndpoint, options.GrpcEndpoint, options.NativeEndpoint));
        Assert.Equal("127.0.0.1:7000", new NodeOptions().InternodeEndpoint);
    }

    [Fact]
    public void A_node_bound_to_every_interface_advertises_its_broadcast_address_to_peers_and_clients()
    {
        var options = new NodeOptions { ListenAddress = "0.0.0.0", BroadcastAddress = "10.201.1.11", RpcAddress = "0.0.0.0" };
        options.Validate();
        Assert.Equal("10.201.1.11:7000", options.InternodeEndpoint);
        Assert.Equal("0.0.0.0", options.EffectiveRpcAddress);
        Assert.Equal(("10.201.1.11:9160", "10.201.1.11:9042"), (options.GrpcEndpoint, options.NativeEndpoint));

        // A separate client network: clients are told the broadcast rpc address.
        var split = new NodeOptions { ListenAddress = "10.1.0.2", RpcAddress = "0.0.0.0", BroadcastRpcAddress = "192.0.2.7" };
        Assert.Equal(("10.1.0.2:7000", "192.0.2.7:9042"), (split.InternodeEndpoint, split.NativeEndpoint));
        var rpcOnly = new NodeOptions { ListenAddress = "10.1.0.2", RpcAddress = "192.0.2.8" };
        Assert.Equal("192.0.2.8:9160", rpcOnly.GrpcEndpoint);
    }

    [Theory]
    [InlineData("0.0.0.0", "", "", "BroadcastAddress")]
    [InlineData("::", "", "", "BroadcastAddress")]
    [InlineData("10.0.0.1", "0.0.0.0", "", "must be a real address")]
    [InlineData("10.0.0.1", "", "::", "must be a real address")]
    [InlineData("", "", "", "ListenAddress must be set")]
    public void Advertising_no_real_address_is_refused(string listen, string broadcast, string broadcastRpc, string message)
    {
        var options = new NodeOptions { ListenAddress = listen, BroadcastAddress = broadcast, BroadcastRpcAddress = broadcastRpc };
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1:7001", "10.0.0.1", 7001)]
    [InlineData("10.0.0.1", "10.0.0.1", 7000)]
    [InlineData("seed.example", "seed.example", 7000)]
    [InlineData("seed.example:7100", "seed.example", 7100)]
    [InlineData("[fd00::1]", "fd00::1", 7000)]
    [InlineData("[fd00::1]:7200", "fd00::1", 7200)]
    [InlineData("::1:7300", "::1", 7300)] // the node's own unbracketed endpoint form: the last colon is the port
    public void Seeds_take_a_host_name_or_address_with_or_without_a_port(string text, string host, int port) =>
        Assert.Equal((host, port), NodeAddresses.ParseSeed(text, 7000));

    [Theory]
    [InlineData("seed:0")]
    [InlineData("seed:70000")]
    [InlineData("seed:x")]
    [InlineData(":7000")]
    [InlineData("[fd00::1")]
    public void A_malformed_seed_stops_the_start_naming_the_setting(string seed)
    {
        var error = Assert.Throws<InvalidOperationException>(new NodeOptions { Seeds = seed }.Validate);
        Assert.Contains("RingStore:Seeds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_names_become_ip_literals_once_preferring_ipv4()
    {
        var options = new NodeOptions
        {
            ListenAddress = "node-a.example", BroadcastAddress = "", RpcAddress = "0.0.0.0", BroadcastRpcAddress = "v6only.example",
            InternodePort = 7010, Seeds = "node-a.example, node-b.example:7020,10.201.1.13", Replace = "node-b.example",
        };
        NodeAddresses.Resolve(options, Lookup);
        Assert.Equal(("10.201.1.11", "", "0.0.0.0", "fd00::c"), (options.ListenAddress, options.BroadcastAddress, options.RpcAddress, options.BroadcastRpcAddress));
        Assert.Equal(["10.201.1.11:7010", "10.201.1.12:7020", "10.201.1.13:7010"], options.SeedList());
        Assert.Equal("10.201.1.12:7010", options.Replace);
        Assert.Equal("10.201.1.11:7010", options.InternodeEndpoint); // and so the node knows it is a seed

        var hostId = Guid.NewGuid().ToString();
        var byId = new NodeOptions { Replace = hostId };
        NodeAddresses.Resolve(byId, Lookup);
        Assert.Equal(hostId, byId.Replace);
    }

    [Fact]
    public void A_name_that_does_not_resolve_stops_the_start_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NodeAddresses.Resolve(new NodeOptions { Seeds = "nowhere.example:7000" }, Lookup));
        Assert.Contains("RingStore:Seeds (nowhere.example:7000): host name 'nowhere.example' does not resolve", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_switches_bind_and_localhost_resolves_to_the_loopback_address()
    {
        await using var app = Program.Build(["--listen-address", "localhost", "--broadcast-address", "localhost", "--rpc-address", "0.0.0.0",
            "--broadcast-rpc-address", "127.0.0.1", "--seeds", "localhost"]);
        var options = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        Assert.Equal(("127.0.0.1", "127.0.0.1", "0.0.0.0", "127.0.0.1"), (options.ListenAddress, options.BroadcastAddress, options.RpcAddress, options.BroadcastRpcAddress));
        Assert.Equal(["127.0.0.1:7000"], options.SeedList());
    }
}
