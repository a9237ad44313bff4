namespace RingStore.Bench;

/// <summary>`bench &lt;scenario&gt; [options]`: each scenario is one class under Scenarios/.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: bench <scenario> [options]   scenarios: storage");
            return 2;
        }
        Console.Error.WriteLine($"unknown scenario '{args[0]}'");
        return 2;
    }
}
