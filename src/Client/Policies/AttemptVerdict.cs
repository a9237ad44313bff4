using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;
using RingStore.Core.Errors;

namespace RingStore.Client.Policies;

/// <summary>
/// Pure rules for what an attempt's error means and what the application is told when every attempt failed:
/// definite stays definite (every attempt wrote nothing: Unavailable with the first Unavailable's counts), and only
/// when some attempt may have been applied does the error say "unknown" (the request's timeout kind). The error
/// always lists the attempts (node, outcome).
/// </summary>
public static class AttemptVerdict
{
    /// <summary>How an attempt that failed with <paramref name="error"/> ended.</summary>
    public static AttemptOutcome Classify(RingStoreException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Kind switch
        {
            RequestErrorKind.Unavailable => AttemptOutcome.Unavailable,
            RequestErrorKind.WriteTimeout or RequestErrorKind.ReadTimeout => AttemptOutcome.TimedOut,
            RequestErrorKind.Unknown when error.StatusCode == StatusCode.DeadlineExceeded => AttemptOutcome.TimedOut,
            RequestErrorKind.Unknown when error.StatusCode == StatusCode.Cancelled => AttemptOutcome.Overtaken,
            RequestErrorKind.Unknown when NeverConnected(error) => AttemptOutcome.RefusedBeforeSending,
            RequestErrorKind.Unknown => AttemptOutcome.TransportFailure,
            _ => AttemptOutcome.Failed,
        };
    }

    /// <summary>
    /// True when the failure chain shows the connection was never made (refused, no route, connect timeout): gRPC
    /// had nothing to send the request on, so it did not reach the node.
    /// </summary>
    public static bool NeverConnected(Exception error)
    {
        for (Exception? e = error; e is not null; e = Next(e))
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable })
                return true;
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } http
                && http.InnerException is not SocketException { SocketErrorCode: SocketError.ConnectionReset })
                return true;
        }
        return false;
    }

    private static Exception? Next(Exception e) => e is RpcException rpc && rpc.Status.DebugException is { } debug ? debug : e.InnerException;

    /// <summary>
    /// The error for a request whose attempts all failed. <paramref name="failures"/> are the attempts in the order they
    /// were made with their errors (overtaken attempts included); <paramref name="timeoutKind"/> is what "may have been
    /// applied" is called for this request (WriteTimeout for writes, ReadTimeout for reads).
    /// </summary>
    public static RingStoreException Final(IReadOnlyList<(RequestAttempt Attempt, RingStoreException Error)> failures, RequestErrorKind timeoutKind)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (failures.Count == 0) return new RingStoreException("No node to send the request to.", RequestErrorKind.Unavailable, StatusCode.Unavailable);
        RequestAttempt[] attempts = [.. failures.Select(f => f.Attempt)];
        // One attempt keeps the node's message as it was; the Attempts property lists it either way.
        string listed = attempts.Length > 1 ? $" Attempts: {string.Join("; ", attempts)}." : "";
        if (attempts.All(a => a.WroteNothing))
        {
            var first = failures.FirstOrDefault(f => f.Attempt.Outcome == AttemptOutcome.Unavailable).Error;
            string why = first?.Message ?? "No node could be reached; nothing was sent.";
            return new RingStoreException(why + listed, RequestErrorKind.Unavailable, StatusCode.Unavailable, first ?? failures[0].Error)
            {
                Required = first?.Required ?? -1,
                Alive = first?.Alive ?? -1,
                Received = first?.Received ?? -1,
                Attempts = attempts,
            };
        }
        // A definite answer from a node (WriteFailure, InvalidRequest ...) ends the request: report it as it came.
        var (_, last) = failures.Last(f => f.Attempt.Outcome != AttemptOutcome.Overtaken);
        if (Classify(last) == AttemptOutcome.Failed) return Copy(last, last.Message + listed, last.Kind, attempts);
        // Some attempt may have been applied: the node's own timeout error if there is one (it has the counts), else ours.
        var timeout = failures.FirstOrDefault(f => f.Error.Kind is RequestErrorKind.WriteTimeout or RequestErrorKind.ReadTimeout).Error;
        if (timeout is not null) return Copy(timeout, timeout.Message + listed, timeout.Kind, attempts);
        return new RingStoreException($"The request may have been applied: no attempt got an answer ({timeoutKind}).{listed}",
            timeoutKind, StatusCode.DeadlineExceeded, last) { Attempts = attempts };
    }

    private static RingStoreException Copy(RingStoreException e, string message, RequestErrorKind kind, IReadOnlyList<RequestAttempt> attempts) =>
        new(message, kind, e.StatusCode, e.InnerException ?? e)
        {
            Required = e.Required,
            Alive = e.Alive,
            Received = e.Received,
            Failures = e.Failures,
            Attempts = attempts,
        };
}
