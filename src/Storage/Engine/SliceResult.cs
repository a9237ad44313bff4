using RingStore.Core.Data;

namespace RingStore.Storage.Engine;

/// <summary>Live rows of a slice, and a paging state when the limit cut the result short.</summary>
public sealed record SliceResult(IReadOnlyList<Row> Rows, byte[]? PagingState);
