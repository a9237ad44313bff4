namespace RingStore.Node.Cql;

/// <summary>One page of selected rows and where the next page starts (null when there is nothing more).</summary>
public sealed record PageResult(IReadOnlyList<SelectedRow> Rows, CqlPagingState? Next);
