namespace RingStore.Bench.Workloads;

public enum OperationKind
{
    Write = 0,
    Read = 1,
}
