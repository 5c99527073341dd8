namespace AutoDiff.Data;

/// <summary>
/// A read-only stream that first replays a few bytes already read from <c>inner</c> (to sniff a
/// magic number on a stream that cannot seek back), then continues with <c>inner</c> itself.
/// Does not dispose <c>inner</c>.
/// </summary>
internal sealed class PrefixedStream(byte[] prefix, Stream inner) : ForwardReadStream
{
    private int _prefixRead;

    public override int Read(Span<byte> buffer)
    {
        if (_prefixRead < prefix.Length)
        {
            int n = Math.Min(buffer.Length, prefix.Length - _prefixRead);
            prefix.AsSpan(_prefixRead, n).CopyTo(buffer);
            _prefixRead += n;
            return n;
        }
        return inner.Read(buffer);
    }
}
