"""Password login through the DataStax Python driver (python3-cassandra) with PlainTextAuthProvider.

Usage: auth_check.py HOST PORT USER PASSWORD KEYSPACE TABLE
Prints "RESULT <name> <json>" lines for AuthClusterTests: a wrong password, the right one, a read of the granted
table and a write the role may not do.
"""
import json
import sys

from cassandra import Unauthorized
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, NoHostAvailable


def result(name, value):
    print("RESULT " + name + " " + json.dumps(value, sort_keys=True, default=str), flush=True)


def connect(host, port, user, password):
    cluster = Cluster([host], port=port, auth_provider=PlainTextAuthProvider(username=user, password=password),
                      protocol_version=4)
    return cluster, cluster.connect()


def main(host, port, user, password, keyspace, table):
    try:
        cluster, _ = connect(host, port, user, password + "-wrong")
        cluster.shutdown()
        result("wrong_password", "connected")
    except NoHostAvailable as e:
        # The driver wraps the node's AuthenticationFailed (error 0x0100) per host.
        result("wrong_password", " ".join(type(err).__name__ + ": " + str(err) for err in e.errors.values()))

    cluster, session = connect(host, port, user, password)
    rows = session.execute("SELECT k, v FROM %s.%s" % (keyspace, table))
    result("read", sorted(r.v for r in rows))
    try:
        session.execute("INSERT INTO %s.%s (k, v) VALUES (999, 'nope')" % (keyspace, table))
        result("write", "allowed")
    except Unauthorized as e:
        result("write", "Unauthorized: " + str(e))
    cluster.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6])
