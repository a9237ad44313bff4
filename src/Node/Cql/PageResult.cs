using RingStore.Coordination.Scatter;

namespace RingStore.Node.Cql;

/// <summary>
/// One page of selected rows and where the next page starts (null when there is nothing more). <see cref="Missing"/>:
/// token ranges a partial-results scan could not read before the page's end (null or empty: none).
/// </summary>
public sealed record PageResult(IReadOnlyList<SelectedRow> Rows, CqlPagingState? Next, IReadOnlyList<ScatterRange>? Missing = null);
