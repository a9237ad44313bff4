#!/usr/bin/python3
"""Generates murmur3_vectors.csv: reference Murmur3Partitioner tokens from Cassandra's DataStax
python driver (Debian package python3-cassandra; run with /usr/bin/python3).

    apt-get install -y python3-cassandra
    /usr/bin/python3 tests/Core.Tests/TestData/generate_murmur3_vectors.py > tests/Core.Tests/TestData/murmur3_vectors.csv

The tests only read the committed CSV; they never run python.

Reference: cassandra.metadata.Murmur3Token.hash_fn(key), which returns h1 of Cassandra's
hash3_x64_128 (seed 0, Java's signed tail bytes) and maps long.MinValue to long.MaxValue, the
same normalization Murmur3Partitioner.getToken does. Each token is also checked against the
driver's pure-python cassandra.murmur3.murmur3 (the C extension is what hash_fn uses).

Columns: kind, key_hex, token
  kind = random  (random bytes, every length 0..64, bytes over the full 0x00..0xFF range)
         edge    (all-0x00, all-0x80, all-0xFF and 0x7F/0x80 patterns for every length 0..64)
         int / bigint / text  (single-component keys, serialized as Cassandra does)
         composite            ((bigint, text) and (int, text, bigint) composite keys)
"""
import random
import struct
import sys

from cassandra.metadata import Murmur3Token
from cassandra import murmur3 as pure_murmur3

MIN_LONG = -(2 ** 63)
MAX_LONG = 2 ** 63 - 1
SEED = 20240611
PER_LENGTH = 6


def token(key: bytes) -> int:
    t = Murmur3Token.hash_fn(key)
    # Cross-check with the driver's pure-python implementation (raw hash, before normalization).
    raw = pure_murmur3.murmur3(key)
    assert t == (MAX_LONG if raw == MIN_LONG else raw), (key.hex(), t, raw)
    assert MIN_LONG < t <= MAX_LONG
    return t


def composite(components) -> bytes:
    # Cassandra CompositeType: per component a 2-byte big-endian length, the bytes, then 0x00.
    out = bytearray()
    for c in components:
        out += struct.pack(">H", len(c)) + c + b"\x00"
    return bytes(out)


def bigint(v: int) -> bytes:
    return struct.pack(">q", v)


def int32(v: int) -> bytes:
    return struct.pack(">i", v)


def rand_text(rng: random.Random) -> bytes:
    alphabet = "abcxyz0129_-é日本語 \u00ff\U0001F600"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20))).encode("utf-8")


def main():
    rng = random.Random(SEED)
    rows = []
    for length in range(0, 65):
        for _ in range(PER_LENGTH if length else 1):
            key = bytes(rng.randrange(256) for _ in range(length))
            rows.append(("random", key))
        # Keys whose every byte is high force the sign-extension path in every tail position.
        key = bytes(rng.randrange(0x80, 0x100) for _ in range(length))
        rows.append(("random", key))
        for fill in (b"\x00", b"\x7f", b"\x80", b"\xff"):
            rows.append(("edge", fill * length))
    for v in (0, 1, 2, -1, 42, 127, 128, 255, 2 ** 31 - 1, -(2 ** 31)):
        rows.append(("int", int32(v)))
    for v in (0, 1, 2, -1, 42, 1 << 40, MAX_LONG, MIN_LONG):
        rows.append(("bigint", bigint(v)))
    for _ in range(20):
        rows.append(("bigint", bigint(rng.randrange(MIN_LONG, MAX_LONG + 1))))
    for s in ("a", "jsmith", "hello world", "日本語", "x" * 100):
        rows.append(("text", s.encode("utf-8")))
    for _ in range(60):
        rows.append(("composite", composite([bigint(rng.randrange(MIN_LONG, MAX_LONG + 1)), rand_text(rng)])))
    for _ in range(20):
        rows.append(("composite", composite([int32(rng.randrange(-(2 ** 31), 2 ** 31)), rand_text(rng),
                                             bigint(rng.randrange(MIN_LONG, MAX_LONG + 1))])))
    rows.append(("composite", composite([bigint(1), b"2024-01"])))
    rows.append(("composite", composite([bigint(0), b""])))

    out = sys.stdout
    out.write("kind,key_hex,token\n")
    seen = set()
    for kind, key in rows:
        if key in seen:
            continue
        seen.add(key)
        out.write(f"{kind},{key.hex()},{token(key)}\n")


if __name__ == "__main__":
    main()
