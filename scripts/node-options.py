#!/usr/bin/env python3
"""Prints docs/DEPLOY.md's option table and sample configuration file from src/Node/Hosting/NodeOptions.cs and
NodeCommandLine.cs (every settable property, its switch, its default and its doc comment), so the guide lists every
option. Usage: scripts/node-options.py table|json. Node.Tests' DeployGuideTests checks the guide names them all."""
import json
import re
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
source = (root / "src/Node/Hosting/NodeOptions.cs").read_text()
switches = dict((v, k) for k, v in re.findall(r'\["(--[a-z0-9-]+)"\] = "RingStore:(\w+)"', (root / "src/Node/Hosting/NodeCommandLine.cs").read_text()))
# Constants the defaults refer to (kept in step by DeployGuideTests, which compares with the real defaults).
constants = {"RingStore.Gossip.FailureDetection.FailureDetectorOptions.DefaultPhi": "4",
             "Guardrails.TombstoneGuardrail.DefaultWarnThreshold": "1000", "Guardrails.TombstoneGuardrail.DefaultFailThreshold": "100000",
             "Guardrails.WriteGuardrails.DefaultValueWarnKiB": "1024", "Guardrails.WriteGuardrails.DefaultBatchWarnKiB": "5",
             "Guardrails.WriteGuardrails.DefaultBatchFailKiB": "50", "Guardrails.InSelectGuardrail.DefaultWarnThreshold": "1000",
             "Guardrails.InSelectGuardrail.DefaultFailThreshold": "10000", "Batchlog.UnloggedBatchWarning.DefaultPartitions": "10"}
# For the properties whose doc comment is empty.
fallback = {"InternodePort": "Internode TCP port (gossip, replication, streaming) on the listen address.",
            "DataDirectory": "Where the node keeps its identity, schema, commit log, SSTables and hints (`node.log` too under `ringstore up`).",
            "NumTokens": "Virtual nodes (tokens) of this node; at most 4096. Fixed once the node has joined.",
            "Datacenter": "Datacenter name for NetworkTopologyStrategy and LOCAL_/EACH_QUORUM.",
            "Rack": "Rack name: NetworkTopologyStrategy puts replicas on distinct racks.",
            "CommitLogSyncPeriod": "Periodic sync mode: how often the commit log is fsynced.",
            "CommitLogGroupWindow": "Group sync mode: how long writers wait to share one fsync.",
            "MemtableBudgetMiB": "A table's memtable is flushed past this many MiB.",
            "WriteTimeout": "How long a coordinator waits for the replicas a write needs (then WriteTimeout).",
            "ReadTimeout": "How long a coordinator waits for the replicas a read needs (then ReadTimeout).",
            "PhiConvictThreshold": "Phi-accrual level at which a silent node is marked down."}
pattern = re.compile(r'((?:[ \t]*///[^\n]*\n)*)[ \t]*public (\w+(?:<\w+>)?) (\w+) \{ get; set; \}(?: = ([^;\n]+);)?')


def default(kind, raw):
    if not raw:
        return {"bool": "false", "int": "0", "double": "0", "string": "", "TimeSpan": "00:00:00"}.get(kind, "")
    raw = raw.strip()
    if raw.startswith("TimeSpan.From"):
        unit, amount = re.match(r"TimeSpan\.From(\w+)\((\d+)\)", raw).groups()
        ms = int(amount) * {"Milliseconds": 1, "Seconds": 1000, "Minutes": 60000, "Hours": 3600000}[unit]
        h, rest = divmod(ms, 3600000)
        m, rest = divmod(rest, 60000)
        s, ms = divmod(rest, 1000)
        return f"{h:02}:{m:02}:{s:02}" + (f".{ms:03}" if ms else "")
    if "." in raw and not raw.replace(".", "").isdigit() and raw.split(".")[0][0].isupper():
        return constants.get(raw, raw.split(".")[-1])
    return raw.strip('"')


def summary(comment):
    text = " ".join(line.strip().lstrip("/").strip() for line in comment.splitlines())
    text = re.sub(r"</?summary>", "", text)
    text = re.sub(r'<see cref="(?:[\w.]+\.)?(\w+)"\s*/>', r"\1", text)
    text = re.sub(r"<c>(.*?)</c>", r"`\1`", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", text).strip()


options = [(name, kind, default(kind, raw), summary(comment) or fallback.get(name, "")) for comment, kind, name, raw in pattern.findall(source)]
if sys.argv[1:] == ["json"]:
    def typed(kind, value):
        if kind == "bool":
            return value == "true"
        if kind == "int":
            return int(value.replace("_", ""))
        if kind == "double":
            return float(value)
        return value
    print(json.dumps({"RingStore": {n: typed(k, d) for n, k, d, _ in options}}, indent=2))
else:
    print("| setting (`RingStore:` key) | switch | default | what |")
    print("|---|---|---|---|")
    for name, kind, value, text in options:
        shown = f"`{value}`" if value != "" else '`""`'
        print(f"| `{name}` | {'`' + switches[name] + '`' if name in switches else '-'} | {shown} | {text.replace('|', '/')} |")
