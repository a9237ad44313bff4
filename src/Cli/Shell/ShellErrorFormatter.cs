using Grpc.Core;
using RingStore.Client;
using RingStore.Core.Errors;

namespace RingStore.Cli.Shell;

/// <summary>
/// One line per failed statement, as cqlsh prints them: <c>InvalidRequest: Error from server: unconfigured table x</c>.
/// Errors the server reported carry their kind; transport failures read <c>NoHostAvailable</c> or
/// <c>OperationTimedOut</c>, and a node without the statement executor reads <c>ServerError: ... Unimplemented</c>.
/// </summary>
public static partial class ShellErrorFormatter
{
    /// <summary>The line printed for a failure; what it echoes is escaped and shortened (<see cref="ShellText.ForMessage"/>).</summary>
    public static string Format(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ShellText.ForMessage(Label(error));
    }

    private static string Label(Exception error)
    {
        return error switch
        {
            RingStoreException { IsTransportFailure: false } e => $"{KindName(e.Kind, e.Message)}: Error from server: {e.Message}",
            RingStoreException { StatusCode: StatusCode.DeadlineExceeded } e => $"OperationTimedOut: {e.Message}",
            RingStoreException { StatusCode: StatusCode.Unimplemented } e => $"ServerError: Error from server: {e.Message.TrimEnd(':', ' ')} (this node cannot run that request)",
            RingStoreException e => $"NoHostAvailable: {e.Message}",
            Cql.CqlSyntaxException e => $"SyntaxException: {e.Message}",
            InvalidRequestException e => $"InvalidRequest: {e.Message}",
            _ => $"{error.GetType().Name}: {error.Message}",
        };
    }

    /// <summary>
    /// The nodes report a parse error as InvalidRequest whose message starts with its position ("line 1:0 ..."): that
    /// is cqlsh's SyntaxException. (The SyntaxError kind is recognised too, for nodes that send it.)
    /// </summary>
    private static string KindName(RequestErrorKind kind, string message) => kind switch
    {
        RequestErrorKind.SyntaxError => "SyntaxException",
        RequestErrorKind.InvalidRequest when SyntaxPosition().IsMatch(message) => "SyntaxException",
        RequestErrorKind.UnknownTable => "InvalidRequest",
        _ => kind.ToString(),
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"^line \d+:\d+ ")]
    private static partial System.Text.RegularExpressions.Regex SyntaxPosition();
}
