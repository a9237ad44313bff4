namespace RingStore.Cql.Ast;

/// <summary>A parsed statement. Immutable, compared structurally.</summary>
public abstract record CqlStatement
{
    /// <summary>How many values a prepared form of this statement takes: the number of '?' markers.</summary>
    public int BindMarkerCount => CountBindMarkers(Terms());

    /// <summary>Every top-level term of the statement (function arguments are inside their <see cref="FunctionCall"/>).</summary>
    public abstract IEnumerable<Term> Terms();

    private static int CountBindMarkers(IEnumerable<Term> terms)
    {
        int count = 0;
        foreach (var term in terms)
        {
            if (term is BindMarker) count++;
            else if (term is FunctionCall call) count += CountBindMarkers(call.Arguments);
        }
        return count;
    }
}
