using System.Collections.Immutable;
using RingStore.Storage.Memtables;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Engine;

/// <summary>
/// An immutable snapshot of one table's data sources, swapped atomically (compare-and-swap) on
/// memtable switch, flush and compaction. Readers take one and never lock.
/// Flushing memtables stay readable until their SSTable replaces them in the same swap.
/// </summary>
public sealed record TableView(Memtable Active, ImmutableArray<Memtable> Flushing, ImmutableArray<SSTableReader> SSTables);
