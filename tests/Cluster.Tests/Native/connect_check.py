"""Connects the DataStax Python driver (python3-cassandra) to a RingStore contact point and reports what it found.

Usage: connect_check.py connect HOST PORT [--ca CA_PEM] [--keyspace KS]
         Connects (over TLS 1.2+ trusting CA_PEM and checking the node certificate names the address, when --ca is
         given), reports the hosts the driver discovered and what system.local / system.peers advertise, and with
         --keyspace writes and reads back KS.kv (k bigint, v text) at QUORUM.
       connect_check.py refused HOST PORT
         A plain-text connection that is expected to fail (the port speaks TLS): reports the error class and how long
         the driver took to give up.
Prints one line per check: "RESULT <name> <json>"; the C# tests (MultiHostClusterTests, NativeTlsTests) assert on them.
"""
import argparse
import json
import ssl
import time

from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile, NoHostAvailable
from cassandra.query import SimpleStatement


def result(name, value):
    print("RESULT " + name + " " + json.dumps(value, sort_keys=True, default=str), flush=True)


def endpoint(host):
    return "%s:%d" % (host.endpoint.address, host.endpoint.port)


def connect(args):
    context = None
    if args.ca:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies the chain and the host name (IP SAN) by default
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_verify_locations(args.ca)
    profile = ExecutionProfile(consistency_level=ConsistencyLevel.QUORUM, request_timeout=30)
    cluster = Cluster([args.host], port=args.port, ssl_context=context, connect_timeout=20,
                      execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    session = cluster.connect()
    # connect() returns once one host's connection pool is up; the others are still opening. Queries pinned to a host
    # (host=) fail while its pool is missing, so wait for every pool (bounded).
    deadline = time.monotonic() + 30
    while len(session.get_pool_state()) < len(cluster.metadata.all_hosts()) and time.monotonic() < deadline:
        time.sleep(0.1)
    result("hosts", sorted(endpoint(h) for h in cluster.metadata.all_hosts()))
    # system.local and system.peers as the contact point answers them (host=: not whichever node the policy picks).
    contact = next(h for h in cluster.metadata.all_hosts() if h.endpoint.address == args.host)
    local = session.execute("SELECT broadcast_address, listen_address, rpc_address, native_port FROM system.local", host=contact).one()
    result("local", {"broadcast_address": local.broadcast_address, "listen_address": local.listen_address,
                     "rpc_address": local.rpc_address, "native_port": local.native_port})
    peers = session.execute("SELECT peer, rpc_address FROM system.peers", host=contact)
    result("peers", sorted("%s/%s" % (p.peer, p.rpc_address) for p in peers))
    if args.ca:
        sock = cluster.control_connection._connection._socket  # the driver's own socket: which TLS it negotiated
        result("tls", {"version": sock.version(), "cipher": sock.cipher()[0]})
    if args.keyspace:
        session.execute(SimpleStatement("INSERT INTO %s.kv (k, v) VALUES (%%s, %%s)" % args.keyspace), (-7, "from python"))
        row = session.execute("SELECT v FROM %s.kv WHERE k = %%s" % args.keyspace, (-7,)).one()
        result("roundtrip", row.v if row else None)
        # Every host answers as coordinator (execute(host=...)), so every connection the driver opened works.
        answered = []
        for host in sorted(cluster.metadata.all_hosts(), key=endpoint):
            future = session.execute_async("SELECT v FROM %s.kv WHERE k = -7" % args.keyspace, host=host)
            row = future.result().one()
            coordinator = future.coordinator_host
            name = endpoint(coordinator) if hasattr(coordinator, "endpoint") else str(coordinator)
            answered.append("%s=%s" % (name, row.v if row else None))
        result("answered", sorted(answered))
    cluster.shutdown()


def refused(args):
    started = time.monotonic()
    cluster = Cluster([args.host], port=args.port, connect_timeout=10)
    try:
        cluster.connect()
        result("refused", {"class": None, "seconds": time.monotonic() - started})
    except NoHostAvailable as e:
        errors = list(e.errors.values())
        result("refused", {"class": "NoHostAvailable", "seconds": time.monotonic() - started,
                           "cause": type(errors[0]).__name__ if errors else None, "detail": str(e)})
    finally:
        cluster.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["connect", "refused"])
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--ca")
    parser.add_argument("--keyspace")
    parsed = parser.parse_args()
    connect(parsed) if parsed.mode == "connect" else refused(parsed)
