using System.Diagnostics;
using Grpc.Core;
using RingStore.Client.Auth;
using RingStore.Client.Protos;
using RingStore.LocalCluster;

namespace RingStore.Cluster.Tests;

/// <summary>
/// Password authentication, roles and permissions between real node processes (issue 17): wrong passwords refused,
/// a role created on one node used on every node, SELECT on one table and nothing else, GRANT/REVOKE seen within the
/// permission cache's validity on other nodes, a non-superuser that cannot create roles or grant what it does not
/// hold, a role changing its own password, and the DataStax Python driver logging in with PlainTextAuthProvider.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class AuthClusterTests
{
    private static readonly TimeSpan Validity = TimeSpan.FromSeconds(2); // the nodes' default PermissionsValidity

    [Fact]
    public async Task Roles_and_permissions_hold_on_every_node_of_a_three_node_cluster()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, native: true, auth: true);
        using var sessions = new Logins(cluster);

        // Wrong password and no credentials at all: refused as bad credentials, the password never in the log.
        const string WrongPassword = "Not-The-Password-7731";
        var wrong = await Assert.ThrowsAsync<RpcException>(() => sessions.As(0, "cassandra", WrongPassword).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.Equal("BadCredentials", wrong.Trailers.GetValue("ringstore-error-kind"));
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => sessions.Anonymous(1).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Contains("Failed login for role 'cassandra'", cluster.Log(0), StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, cluster.Log(0), StringComparison.Ordinal);
        Assert.Contains("SECURITY WARNING: the superuser 'cassandra' still has the default password", cluster.Log(0), StringComparison.Ordinal);

        var su = cluster.Client(0);
        await Cql(su, "CREATE KEYSPACE authks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
        await Cql(su, "CREATE TABLE authks.t1 (k int PRIMARY KEY, v text)");
        await Cql(su, "CREATE TABLE authks.t2 (k int PRIMARY KEY, v text)");
        await ProcessCluster.WaitUntilAsync(async () =>
        {
            for (int i = 0; i < 3; i++)
            {
                var schema = await cluster.Client(i).DescribeSchemaAsync(new DescribeSchemaRequest(), ProcessCluster.Call());
                if (schema.Tables.Count(t => t.Keyspace == "authks") < 2) return false;
            }
            return true;
        }, "every node has authks.t1 and t2");
        await Cql(su, "INSERT INTO authks.t1 (k, v) VALUES (1, 'one')");
        await Cql(su, "INSERT INTO authks.t2 (k, v) VALUES (2, 'two')");

        // A role created on node 0 logs in on every node.
        await Cql(su, "CREATE ROLE reader WITH PASSWORD = 'r-pass' AND LOGIN = true AND SUPERUSER = false");
        for (int i = 0; i < 3; i++)
        {
            var reader = sessions.As(i, "reader", "r-pass");
            await ProcessCluster.WaitUntilAsync(async () => await Succeeds(() => reader.DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call()).ResponseAsync),
                $"reader can log in on node {i}");
        }

        // No permission yet: refused with Unauthorized.
        var readerOn2 = sessions.As(2, "reader", "r-pass");
        Assert.Equal("Unauthorized", await Refusal(readerOn2, "SELECT v FROM authks.t1 WHERE k = 1"));

        // GRANT on node 0 is in force on node 2 within the cache validity (plus replication and a loaded machine's slack).
        await Cql(su, "GRANT SELECT ON TABLE authks.t1 TO reader");
        var watch = Stopwatch.StartNew();
        await ProcessCluster.WaitUntilAsync(async () => await Succeeds(() => Cql(readerOn2, "SELECT v FROM authks.t1 WHERE k = 1")), "the grant reaches node 2");
        Assert.True(watch.Elapsed < Validity + TimeSpan.FromSeconds(5), $"the grant took {watch.Elapsed} to reach node 2");
        Assert.Equal("one", (await Cql(readerOn2, "SELECT v FROM authks.t1 WHERE k = 1")).Rows.Single().Values[0].Text);

        // ... and nothing else: the other table, writes, DDL, roles and grants are refused and change nothing.
        Assert.Equal("Unauthorized", await Refusal(readerOn2, "SELECT v FROM authks.t2 WHERE k = 2"));
        Assert.Equal("Unauthorized", await Refusal(readerOn2, "INSERT INTO authks.t1 (k, v) VALUES (1, 'overwritten')"));
        Assert.Equal("Unauthorized", await Refusal(readerOn2, "TRUNCATE authks.t1"));
        Assert.Equal("Unauthorized", await Refusal(readerOn2, "DROP TABLE authks.t1"));
        Assert.Equal("Unauthorized", await Refusal(readerOn2, "CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"));
        Assert.Equal("Unauthorized", await Refusal(readerOn2, "CREATE ROLE intruder WITH PASSWORD = 'x' AND LOGIN = true AND SUPERUSER = true"));
        Assert.Equal("Unauthorized", await Refusal(readerOn2, "GRANT SELECT ON TABLE authks.t2 TO reader"));
        Assert.Equal("Unauthorized", await Refusal(readerOn2, "ALTER ROLE reader WITH SUPERUSER = true"));
        var mutate = await Assert.ThrowsAsync<RpcException>(() => readerOn2.MutateAsync(KvWrite(), ProcessCluster.Call()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, mutate.StatusCode);
        Assert.Equal("one", (await Cql(su, "SELECT v FROM authks.t1 WHERE k = 1")).Rows.Single().Values[0].Text);
        var roles = (await Cql(su, "LIST ROLES")).Rows.Select(r => r.Values[0].Text).ToList();
        Assert.Equal(["cassandra", "reader"], roles);
        Assert.Equal(["reader"], (await Cql(readerOn2, "LIST ROLES")).Rows.Select(r => r.Values[0].Text));

        // A non-superuser with AUTHORIZE on the keyspace may grant what it holds, not more.
        await Cql(su, "CREATE ROLE granter WITH PASSWORD = 'g-pass' AND LOGIN = true");
        await Cql(su, "GRANT SELECT ON KEYSPACE authks TO granter");
        await Cql(su, "GRANT AUTHORIZE ON KEYSPACE authks TO granter");
        var granter = sessions.As(1, "granter", "g-pass");
        await ProcessCluster.WaitUntilAsync(async () => await Succeeds(() => Cql(granter, "GRANT SELECT ON TABLE authks.t2 TO reader")), "granter may grant SELECT");
        Assert.Equal("Unauthorized", await Refusal(granter, "GRANT MODIFY ON TABLE authks.t2 TO reader"));
        Assert.Equal("Unauthorized", await Refusal(granter, "CREATE ROLE other WITH PASSWORD = 'o' AND LOGIN = true"));
        var listed = (await Cql(su, "LIST ALL PERMISSIONS OF reader")).Rows.Select(r => $"{r.Values[2].Text} {r.Values[3].Text}").ToList();
        Assert.Equal(["<table authks.t1> SELECT", "<table authks.t2> SELECT"], listed);

        // REVOKE on node 1 is in force on node 0 within the validity.
        await Cql(cluster.Client(1), "REVOKE SELECT ON TABLE authks.t1 FROM reader");
        var readerOn0 = sessions.As(0, "reader", "r-pass");
        watch.Restart();
        await ProcessCluster.WaitUntilAsync(async () => await Refusal(readerOn0, "SELECT v FROM authks.t1 WHERE k = 1") == "Unauthorized", "the revoke reaches node 0");
        Assert.True(watch.Elapsed < Validity + TimeSpan.FromSeconds(5), $"the revoke took {watch.Elapsed} to reach node 0");

        // A role changes its own password; the old one stops working everywhere.
        await Cql(readerOn0, "ALTER ROLE reader WITH PASSWORD = 'r-pass-2'");
        await ProcessCluster.WaitUntilAsync(async () => !await Succeeds(() => sessions.As(2, "reader", "r-pass").DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call()).ResponseAsync),
            "the old password is refused on node 2");
        await ProcessCluster.WaitUntilAsync(async () => await Succeeds(() => Cql(sessions.As(2, "reader", "r-pass-2"), "SELECT v FROM authks.t2 WHERE k = 2")),
            "the new password works on node 2");

        // The shell: -u/-p, the password asked without echo (piped here), a wrong one refused, LOGIN inside.
        string endpoint = cluster.Node(2).Options.GrpcEndpoint;
        // Polled: a cold CLI process on this loaded machine can miss its 5 s metadata deadline (it then says why).
        string? lastShell = null;
        await ProcessCluster.WaitUntilAsync(async () =>
        {
            using var shell = new RingstoreCommand("shell", "--host", endpoint, "-u", "reader", "-p", "r-pass-2", "-e", "SELECT v FROM authks.t2 WHERE k = 2");
            int exit = await shell.WaitForExitAsync(ProcessCluster.Patience);
            lastShell = shell.ToString();
            return exit == 0 && shell.Stdout.Contains("two", StringComparison.Ordinal);
        }, "the shell logs in as reader and reads authks.t2", TimeSpan.FromSeconds(90));
        Assert.NotNull(lastShell);
        using (var shell = RingstoreCommand.WithInput("r-pass-2\n", "shell", "--host", endpoint, "-u", "reader", "-p", "-e", "LIST ROLES"))
        {
            Assert.True(await shell.WaitForExitAsync(ProcessCluster.Patience) == 0, shell.ToString());
            Assert.Contains("reader", shell.Stdout, StringComparison.Ordinal);
            Assert.Contains("Password for reader:", shell.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("r-pass-2", shell.Stdout + shell.Stderr, StringComparison.Ordinal); // not echoed
        }
        using (var shell = new RingstoreCommand("shell", "--host", endpoint, "-u", "reader", "-p", "wrong", "-e", "LIST ROLES"))
        {
            Assert.True(await shell.WaitForExitAsync(ProcessCluster.Patience) == 1, shell.ToString());
            Assert.Contains("AuthenticationFailed", shell.Stderr, StringComparison.Ordinal);
        }
        using (var shell = new RingstoreCommand("shell", "--host", endpoint, "-u", "cassandra", "-p", "cassandra", "-e", "LOGIN reader 'r-pass-2'\nLIST ROLES;"))
        {
            Assert.True(await shell.WaitForExitAsync(ProcessCluster.Patience) == 0, shell.ToString());
            Assert.Contains("Logged in as reader.", shell.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("granter", shell.Stdout, StringComparison.Ordinal); // reader sees only its own roles
        }
        // The other commands log in with the global --user/--password: status works for any role that logs in and is
        // refused without credentials; flush (an operator's call) needs a superuser.
        using (var status = new RingstoreCommand("status", "--host", endpoint, "--user", "cassandra", "--password", "cassandra"))
        {
            Assert.True(await status.WaitForExitAsync(ProcessCluster.Patience) == 0, status.ToString());
            Assert.Contains("UN", status.Stdout, StringComparison.Ordinal);
        }
        using (var status = new RingstoreCommand("status", "--host", endpoint))
            Assert.True(await status.WaitForExitAsync(ProcessCluster.Patience) != 0, status.ToString());
        using (var flush = new RingstoreCommand("flush", "--host", endpoint, "--user", "reader", "--password", "r-pass-2"))
        {
            Assert.True(await flush.WaitForExitAsync(ProcessCluster.Patience) != 0, flush.ToString());
            Assert.Contains("superuser", flush.Stderr, StringComparison.OrdinalIgnoreCase);
        }
        using (var flush = new RingstoreCommand("flush", "--host", endpoint, "--user", "cassandra", "--password", "cassandra"))
            Assert.True(await flush.WaitForExitAsync(ProcessCluster.Patience) == 0, flush.ToString());
        for (int i = 0; i < 3; i++) Assert.DoesNotContain("r-pass-2", cluster.Log(i), StringComparison.Ordinal);

        // The Python driver with PlainTextAuthProvider over the native protocol.
        string python = Native.PythonDriver.Find()
            ?? throw new InvalidOperationException("No python3 with the Cassandra driver: apt-get install python3-cassandra (.ci/run does).");
        var output = await Task.Run(() => Native.PythonDriver.Run(python,
            [Path.Combine(AppContext.BaseDirectory, "Native", "auth_check.py"), "127.0.0.1", cluster.Options.NativePort(1).ToString(System.Globalization.CultureInfo.InvariantCulture),
             "reader", "r-pass-2", "authks", "t2"], TimeSpan.FromMinutes(3)));
        Assert.True(output.ExitCode == 0, $"auth_check.py failed ({output.ExitCode}):\n{output.Stdout}\n{output.Stderr}");
        Assert.Contains("AuthenticationFailed", output.Result("wrong_password").GetString(), StringComparison.Ordinal);
        Assert.Equal(["two"], output.Result("read").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("Unauthorized", output.Result("write").GetString(), StringComparison.Ordinal);
    }

    private static MutateRequest KvWrite() => new()
    {
        Mutations =
        {
            new Mutation
            {
                Keyspace = "authks", Table = "t1", PartitionKey = { new Value { Int = 1 } },
                Rows = { new RowWrite { Cells = { ["v"] = new Value { Text = "by-mutate" } } } },
            },
        },
    };

    private static async Task<ExecuteResponse> Cql(RingStoreApi.RingStoreApiClient client, string cql) =>
        await client.ExecuteAsync(new ExecuteRequest { Statement = cql, Consistency = Consistency.Quorum }, ProcessCluster.Call());

    /// <summary>The error kind the statement fails with ("none" if it succeeds).</summary>
    private static async Task<string> Refusal(RingStoreApi.RingStoreApiClient client, string cql)
    {
        try
        {
            await Cql(client, cql);
            return "none";
        }
        catch (RpcException e)
        {
            return e.Trailers.GetValue("ringstore-error-kind") ?? e.StatusCode.ToString();
        }
    }

    private static async Task<bool> Succeeds(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (RpcException)
        {
            return false;
        }
    }

    /// <summary>gRPC channels per node, each call logged in as the given role (or as nobody).</summary>
    private sealed class Logins(ProcessCluster cluster) : IDisposable
    {
        private readonly List<Grpc.Net.Client.GrpcChannel> _channels = [];

        public RingStoreApi.RingStoreApiClient As(int node, string user, string password) =>
            new(new ClientCredentials(user, password).Apply(Open(node).CreateCallInvoker()));

        public RingStoreApi.RingStoreApiClient Anonymous(int node) => new(Open(node));

        private Grpc.Net.Client.GrpcChannel Open(int node)
        {
            var channel = NodeProcess.OpenChannel(cluster.Node(node).Options);
            _channels.Add(channel);
            return channel;
        }

        public void Dispose()
        {
            foreach (var c in _channels) c.Dispose();
        }
    }
}
