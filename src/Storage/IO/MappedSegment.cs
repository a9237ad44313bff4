using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace RingStore.Storage.IO;

/// <summary>One mapped view of a <see cref="MappedFile"/>, exposed as Memory (the pointer stays acquired until disposal).</summary>
internal sealed unsafe class MappedSegment : MemoryManager<byte>
{
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly int _length;
    private int _released;

    public MappedSegment(MemoryMappedViewAccessor view, int length)
    {
        _view = view;
        _length = length;
        byte* basePointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
        // The view may start before the requested offset (allocation granularity): PointerOffset says by how much.
        _pointer = basePointer + view.PointerOffset;
    }

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
    }
}
