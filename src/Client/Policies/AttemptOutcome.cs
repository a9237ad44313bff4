namespace RingStore.Client.Policies;

/// <summary>How one attempt of a request ended, and whether it can have changed anything.</summary>
public enum AttemptOutcome
{
    Succeeded,

    /// <summary>The coordinator refused before sending anything to replicas (too few alive): nothing written.</summary>
    Unavailable,

    /// <summary>The connection to the node could not be made: the request never left this client, nothing written.</summary>
    RefusedBeforeSending,

    /// <summary>No answer in time (the node's WriteTimeout/ReadTimeout or this client's deadline): may have been applied.</summary>
    TimedOut,

    /// <summary>The connection broke after the request was sent: may have been applied.</summary>
    TransportFailure,

    /// <summary>Another attempt answered first and this one was cancelled: may have been applied.</summary>
    Overtaken,

    /// <summary>Any other answer from the node (WriteFailure, InvalidRequest ...): see the error.</summary>
    Failed,
}

/// <summary>One attempt of a request: the node (gRPC address) it went to and how it ended.</summary>
public readonly record struct RequestAttempt(string Node, AttemptOutcome Outcome)
{
    /// <summary>True when this attempt certainly changed nothing on the cluster.</summary>
    public bool WroteNothing => Outcome is AttemptOutcome.Unavailable or AttemptOutcome.RefusedBeforeSending;

    public override string ToString() => $"{Node}: {Outcome}";
}
