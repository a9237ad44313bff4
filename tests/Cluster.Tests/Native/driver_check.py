"""Drives a RingStore cluster through the DataStax Python driver (python3-cassandra) over the CQL native protocol.

Usage: driver_check.py main|unavailable HOST PORT
       driver_check.py events HOST PORT TARGET_PORT   (then "killed" / "restarted" lines on stdin)
Prints one line per check: "RESULT <name> <json>"; the C# test (PythonDriverTests) asserts on them. Any uncaught
exception exits non-zero with its traceback.
"""
import datetime
import json
import sys
import time
import uuid

from cassandra import AlreadyExists, ConsistencyLevel, InvalidRequest, Unavailable
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.policies import FallthroughRetryPolicy
from cassandra.protocol import SyntaxException
from cassandra.query import BatchStatement, SimpleStatement
from cassandra.util import uuid_from_time


def result(name, value):
    print("RESULT " + name + " " + json.dumps(value, sort_keys=True, default=str), flush=True)


def endpoint(host):
    return "%s:%d" % (host.endpoint.address, host.endpoint.port)


def coordinator(future):
    host = future.coordinator_host
    return endpoint(host) if hasattr(host, "endpoint") else str(host)


def main(host, port):
    # Default policies (token-aware over DC-aware round robin); only the contact point's port is not 9042 here, and
    # QUORUM instead of the driver's LOCAL_ONE, so that every read sees the write acknowledged just before it at RF 3.
    profile = ExecutionProfile(consistency_level=ConsistencyLevel.QUORUM)
    cluster = Cluster([host], port=port, execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    session = cluster.connect()
    result("protocol_version", cluster.protocol_version)
    result("hosts", sorted(endpoint(h) for h in cluster.metadata.all_hosts()))

    session.execute("CREATE KEYSPACE drv WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
    session.execute("CREATE KEYSPACE drv1 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE drv.kv (k int PRIMARY KEY, v text)")
    session.execute("CREATE TABLE drv.wide (p int, c int, v text, PRIMARY KEY (p, c))")
    session.execute("CREATE TABLE drv1.kv (k int PRIMARY KEY, v text)")
    session.execute("CREATE TABLE drv.types (k bigint PRIMARY KEY, i int, t text, vc varchar, b blob, bo boolean, "
                    "d double, ts timestamp, u uuid, tu timeuuid)")
    session.set_keyspace("drv")

    # Simple and prepared writes, read back.
    session.execute("INSERT INTO kv (k, v) VALUES (%s, %s)", (1, "simple"))
    insert = session.prepare("INSERT INTO kv (k, v) VALUES (?, ?)")
    session.execute(insert, (2, "prepared"))
    select = session.prepare("SELECT v FROM kv WHERE k = ?")
    result("read_back", [session.execute(select, (k,)).one().v for k in (1, 2)])
    result("pk_indexes", insert.routing_key_indexes)

    # Paging: 1000 rows of one partition, 50 per page.
    wide_insert = session.prepare("INSERT INTO wide (p, c, v) VALUES (?, ?, ?)")
    execute_concurrent_with_args(session, wide_insert, [(7, c, "row%d" % c) for c in range(1000)], concurrency=50)
    statement = SimpleStatement("SELECT c, v FROM wide WHERE p = 7", fetch_size=50)
    rows = session.execute(statement)
    pages = 1
    seen = []
    while True:
        seen.extend(r.c for r in rows.current_rows)
        if not rows.has_more_pages:
            break
        rows.fetch_next_page()
        pages += 1
    result("paging", {"rows": len(seen), "in_order": seen == list(range(1000)), "pages": pages})

    # A paging state handed back by the application (driver's paging_state) resumes where it stopped.
    first = session.execute(SimpleStatement("SELECT c FROM wide WHERE p = 7", fetch_size=300))
    state = first.paging_state
    resumed = session.execute(SimpleStatement("SELECT c FROM wide WHERE p = 7", fetch_size=300), paging_state=state)
    result("paging_state_resume", [r.c for r in resumed.current_rows][:3])

    # A logged batch of prepared and simple statements.
    batch = BatchStatement()
    batch.add(insert, (10, "b10"))
    batch.add(insert, (11, "b11"))
    batch.add(SimpleStatement("INSERT INTO kv (k, v) VALUES (%s, %s)"), (12, "b12"))
    session.execute(batch)
    result("batch", [session.execute(select, (k,)).one().v for k in (10, 11, 12)])

    # Every type RingStore has, through a prepared statement and back.
    now = datetime.datetime(2026, 11, 23, 12, 34, 56, 789000)
    values = (2**40, -7, "text ü", "varchar", b"\x00\x01\xff", True, 3.25, now, uuid.UUID("123e4567-e89b-12d3-a456-426614174000"),
              uuid_from_time(1700000000))
    types_insert = session.prepare("INSERT INTO types (k, i, t, vc, b, bo, d, ts, u, tu) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    session.execute(types_insert, values)
    row = session.execute("SELECT k, i, t, vc, b, bo, d, ts, u, tu FROM types WHERE k = %s", (2**40,)).one()
    result("types", {"equal": tuple(row) == values, "row": [str(v) for v in row]})
    session.execute("INSERT INTO types (k, i) VALUES (%s, %s)", (5, None))
    result("null_cell", session.execute("SELECT i, t FROM types WHERE k = 5").one() == (None, None))

    # Errors surface as the driver's own exception classes.
    errors = {}
    for name, cql in (("invalid", "SELECT * FROM nosuchtable"),
                      ("already_exists", "CREATE KEYSPACE drv WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"),
                      ("syntax", "SELEKT * FROM kv")):
        try:
            session.execute(cql)
            errors[name] = "no error"
        except (InvalidRequest, AlreadyExists, SyntaxException) as e:
            errors[name] = type(e).__name__
    result("errors", errors)

    # Schema metadata: the table with its columns and key.
    table = cluster.metadata.keyspaces["drv"].tables["wide"]
    result("metadata", {"columns": list(table.columns), "partition_key": [c.name for c in table.partition_key],
                        "clustering_key": [c.name for c in table.clustering_key]})

    # Token-aware routing at RF 1: the driver's coordinator is the one replica of each key.
    routed = []
    select1 = session.prepare("SELECT v FROM drv1.kv WHERE k = ?")
    insert1 = session.prepare("INSERT INTO drv1.kv (k, v) VALUES (?, ?)")
    for k in range(30):
        future = session.execute_async(insert1, (k, "r"))
        future.result()
        bound = select1.bind((k,))
        replicas = cluster.metadata.get_replicas("drv1", bound.routing_key)
        token = cluster.metadata.token_map.token_class.from_key(bound.routing_key).value
        ringstore_token = session.execute("SELECT token(k) FROM drv1.kv WHERE k = %s", (k,)).one()[0]
        routed.append({"k": k, "token": token, "ringstore_token": ringstore_token, "coordinator": coordinator(future),
                       "replicas": [endpoint(h) for h in replicas]})
    result("routing", routed)

    # The README's example, as written there.
    readme_example(host, port)
    cluster.shutdown()


def readme_example(host, port):
    # README.md "Use it from any Cassandra driver", line for line (the README's contact point is 127.0.0.1:9042).
    from cassandra.cluster import Cluster
    session = Cluster([host], port=port).connect()
    session.execute("CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE IF NOT EXISTS app.users (id int PRIMARY KEY, name text)")
    session.execute("INSERT INTO app.users (id, name) VALUES (%s, %s)", (1, "Ada"))
    print(session.execute("SELECT name FROM app.users WHERE id = 1").one().name)
    session.cluster.shutdown()


def unavailable(host, port):
    # No retry on another host: the coordinator's answer itself is what is checked.
    profile = ExecutionProfile(retry_policy=FallthroughRetryPolicy(), consistency_level=ConsistencyLevel.QUORUM)
    cluster = Cluster([host], port=port, execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    session = cluster.connect("drv")
    try:
        session.execute("INSERT INTO kv (k, v) VALUES (100, 'never')")
        result("unavailable", "no error")
    except Unavailable as e:
        result("unavailable", {"class": type(e).__name__, "required": e.required_replicas, "alive": e.alive_replicas,
                               "consistency": e.consistency})
    cluster.shutdown()


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out waiting until " + what)
        time.sleep(0.1)


def events(host, port, target_port):
    # Every event the driver's control connection receives is recorded on its way to the driver's own handler, so
    # the test sees what the node pushed. The driver may not reconnect by itself for an hour, so the target can come
    # back up in the driver's view only through the UP event (going down is also detected by the broken pool).
    from cassandra.cluster import ControlConnection
    from cassandra.policies import ConstantReconnectionPolicy
    received = []

    def recording(kind, original):
        def handler(self, event):
            addr, event_port = event["address"]
            received.append({"type": kind, "change": event["change_type"], "address": "%s:%d" % (addr, event_port)})
            return original(self, event)
        return handler

    ControlConnection._handle_status_change = recording("STATUS_CHANGE", ControlConnection._handle_status_change)
    ControlConnection._handle_topology_change = recording("TOPOLOGY_CHANGE", ControlConnection._handle_topology_change)
    cluster = Cluster([host], port=port, reconnection_policy=ConstantReconnectionPolicy(3600.0, None))
    session = cluster.connect()
    target = next(h for h in cluster.metadata.all_hosts() if h.endpoint.port == target_port)
    control = cluster.control_connection._connection.endpoint
    result("ready", {"control": "%s:%d" % (control.address, control.port), "target": endpoint(target), "is_up": target.is_up})

    sys.stdin.readline()  # "killed"
    wait_until(lambda: target.is_up is False, 120, "the driver marks the killed node down")
    wait_until(lambda: any(e["change"] == "DOWN" for e in received), 120, "a DOWN event arrives")
    result("down", {"is_up": target.is_up, "events": received})

    sys.stdin.readline()  # "restarted"
    wait_until(lambda: target.is_up is True, 180, "the driver marks the restarted node up")
    result("up", {"is_up": target.is_up, "events": received})
    # And the driver uses it again: a query pinned to the target host answers.
    rows = session.execute(SimpleStatement("SELECT release_version FROM system.local"), host=target)
    result("pinned_query", rows.one().release_version)
    cluster.shutdown()


if __name__ == "__main__":
    if sys.argv[1] == "events":
        events(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        {"main": main, "unavailable": unavailable}[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
