namespace AutoDiff.Data;

/// <summary>
/// A read-only pass-through stream that counts the bytes read from <c>inner</c> and keeps the
/// last eight of them: the gzip trailer (CRC32, then the uncompressed size mod 2³², both
/// little-endian) once the compressed input has been read to its end. Does not dispose <c>inner</c>.
/// </summary>
internal sealed class TailKeepingStream(Stream inner) : Stream
{
    public const int TailSize = 8;
    private readonly byte[] _tail = new byte[TailSize];

    /// <summary>Bytes read through this stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The last <c>min(8, BytesRead)</c> bytes read, oldest first.</summary>
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(TailSize - (int)Math.Min(TailSize, BytesRead));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        if (n >= TailSize)
        {
            buffer.Slice(n - TailSize, TailSize).CopyTo(_tail);
        }
        else if (n > 0)
        {
            _tail.AsSpan(n).CopyTo(_tail);
            buffer[..n].CopyTo(_tail.AsSpan(TailSize - n));
        }
        BytesRead += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
