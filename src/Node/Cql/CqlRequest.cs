using RingStore.Core.Consistency;

namespace RingStore.Node.Cql;

/// <summary>
/// Everything about one execution besides the statement: the session keyspace (USE), the bound values, the
/// consistency level, the page size (rows, positive), where the previous page stopped, and the client's write
/// timestamp (null: the coordinator's clock). <see cref="AllowPartialResults"/>: the request option of the same name
/// (as SELECT ... ALLOW PARTIAL RESULTS).
/// </summary>
public sealed record CqlRequest(
    string? SessionKeyspace,
    TermBinder Binder,
    ConsistencyLevel Consistency,
    int PageSize,
    CqlPagingState? Paging,
    long? ClientTimestampMicros,
    bool AllowPartialResults = false);
