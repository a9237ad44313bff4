namespace RingStore.Node.Hosting;

/// <summary>Short command-line switches (--grpc-port 9160) mapped onto the "RingStore:*" configuration keys.</summary>
public static class NodeCommandLine
{
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--cluster-name"] = "RingStore:ClusterName",
        ["--listen-address"] = "RingStore:ListenAddress",
        ["--internode-port"] = "RingStore:InternodePort",
        ["--grpc-port"] = "RingStore:GrpcPort",
        ["--native-port"] = "RingStore:NativePort",
        ["--metrics-port"] = "RingStore:MetricsPort",
        ["--seeds"] = "RingStore:Seeds",
        ["--data-dir"] = "RingStore:DataDirectory",
        ["--num-tokens"] = "RingStore:NumTokens",
        ["--dc"] = "RingStore:Datacenter",
        ["--rack"] = "RingStore:Rack",
        ["--commitlog-sync"] = "RingStore:CommitLogSync",
        ["--commitlog-ignore-replay-errors"] = "RingStore:CommitLogIgnoreReplayErrors",
        ["--only-purge-repaired-tombstones"] = "RingStore:OnlyPurgeRepairedTombstones",
        ["--memtable-mib"] = "RingStore:MemtableBudgetMiB",
        ["--compaction-mib-per-sec"] = "RingStore:CompactionThroughputMiBPerSecond",
        ["--hint-window"] = "RingStore:HintWindow",
        ["--hint-throttle-kib"] = "RingStore:HintThrottleKiBPerSecond",
        ["--write-timeout"] = "RingStore:WriteTimeout",
        ["--read-timeout"] = "RingStore:ReadTimeout",
        ["--gossip-interval"] = "RingStore:GossipInterval",
        ["--phi"] = "RingStore:PhiConvictThreshold",
        ["--auto-bootstrap"] = "RingStore:AutoBootstrap",
        ["--replace"] = "RingStore:Replace",
        ["--allow-inconsistent-bootstrap"] = "RingStore:AllowInconsistentBootstrap",
        ["--stream-mib-per-sec"] = "RingStore:StreamThroughputMiBPerSecond",
        ["--disk-failure-policy"] = "RingStore:DiskFailurePolicy",
        ["--data-disk-warn-percent"] = "RingStore:DataDiskUsageWarnPercent",
        ["--data-disk-fail-percent"] = "RingStore:DataDiskUsageFailPercent",
        ["--max-hints-mib-per-host"] = "RingStore:MaxHintsSizePerHostMiB",
        ["--compaction-large-partition-warning-mib"] = "RingStore:CompactionLargePartitionWarningMiB",
        ["--tombstone-warn-threshold"] = "RingStore:TombstoneWarnThreshold",
        ["--tombstone-failure-threshold"] = "RingStore:TombstoneFailureThreshold",
        ["--value-size-warn-kib"] = "RingStore:ValueSizeWarnKiB",
        ["--batch-size-warn-kib"] = "RingStore:BatchSizeWarnKiB",
        ["--batch-size-fail-kib"] = "RingStore:BatchSizeFailKiB",
        ["--in-select-warn-threshold"] = "RingStore:InSelectWarnThreshold",
        ["--in-select-fail-threshold"] = "RingStore:InSelectFailThreshold",
        ["--memtable-space-mib"] = "RingStore:MemtableSpaceMiB",
        ["--commitlog-total-space-mib"] = "RingStore:CommitLogTotalSpaceMiB",
    };
}
