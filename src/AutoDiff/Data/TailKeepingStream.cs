namespace AutoDiff.Data;

/// <summary>
/// A read-only pass-through stream that counts the bytes read from <c>inner</c> and keeps the
/// last eight of them: the gzip trailer (CRC32, then the uncompressed size mod 2³², both
/// little-endian) once the compressed input has been read to its end. Does not dispose <c>inner</c>.
/// </summary>
internal sealed class TailKeepingStream(Stream inner) : ForwardReadStream
{
    public const int TailSize = 8;
    private readonly byte[] _tail = new byte[TailSize];

    /// <summary>Bytes read through this stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The last <c>min(8, BytesRead)</c> bytes read, oldest first.</summary>
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(TailSize - (int)Math.Min(TailSize, BytesRead));

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
}
