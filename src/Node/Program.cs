namespace RingStore.Node;

/// <summary>The node process. Hosting arrives with the node issue; this entry point only reports that.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        _ = args;
        Console.Error.WriteLine("RingStore.Node: the server is not built yet (see the node issue).");
        return 1;
    }
}
