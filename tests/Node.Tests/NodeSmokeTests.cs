namespace RingStore.Node.Tests;

public class NodeSmokeTests
{
    [Fact]
    public void Node_assembly_loads() => Assert.Equal("RingStore.Node", typeof(RingStore.Node.Program).Assembly.GetName().Name);
}
