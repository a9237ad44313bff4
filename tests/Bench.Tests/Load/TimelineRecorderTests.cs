using RingStore.Bench.Load;
using RingStore.Bench.Workloads;

namespace RingStore.Bench.Tests.Load;

public sealed class TimelineRecorderTests
{
    [Fact]
    public void Records_land_in_their_second_and_windows_merge_them()
    {
        var recorder = new TimelineRecorder(10);
        for (int i = 0; i < 100; i++) recorder.RecordSuccess(OperationKind.Write, TimeSpan.FromSeconds(0.5), 1000);
        for (int i = 0; i < 50; i++) recorder.RecordSuccess(OperationKind.Read, TimeSpan.FromSeconds(2.2), 20_000);
        recorder.RecordFailure(OperationKind.Write, TimeSpan.FromSeconds(2.9), "Unavailable");
        recorder.RecordFailure(OperationKind.Read, TimeSpan.FromSeconds(2.1), "Unavailable");
        recorder.RecordWrong(TimeSpan.FromSeconds(2.5));

        var points = recorder.Points(4);
        Assert.Equal([100L, 0, 50, 0], points.Select(p => p.Ops));
        Assert.Equal(100, points[0].WriteOps);
        Assert.Equal(50, points[2].ReadOps);
        Assert.Equal(2, points[2].Failed);
        Assert.Equal(1, points[2].Wrong);
        Assert.InRange(points[0].P99Ms, 0.99, 1.01);
        Assert.InRange(points[2].P50Ms, 19.8, 20.2);
        Assert.Equal(150, recorder.TotalOps());
        Assert.Equal(100, recorder.TotalOps(OperationKind.Write));
        Assert.Equal(50, recorder.Window(1, 3).TotalCount);
        Assert.Equal(2, recorder.FailedIn(0, 10));
        Assert.Equal(2, recorder.TotalFailed);
        Assert.Equal(2, recorder.FailuresByKind["Unavailable"]);
    }

    [Fact]
    public void Times_past_the_end_go_to_the_last_second()
    {
        var recorder = new TimelineRecorder(3);
        recorder.RecordSuccess(OperationKind.Read, TimeSpan.FromSeconds(99), 5);
        Assert.Equal(1, recorder.Points(3)[2].Ops);
    }
}
