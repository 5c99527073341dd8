using System.Buffers.Binary;
using System.IO.Compression;

namespace AutoDiff.Data;

/// <summary>
/// Reads a data file's uncompressed bytes (gzip is detected by its magic 1F 8B and undone) while
/// keeping the file's name and the current offset, so every failure becomes an
/// <see cref="InvalidDataException"/> that says which file and what is wrong. Nothing read here
/// lets an <see cref="EndOfStreamException"/> or a bare decompressor error escape.
/// </summary>
internal sealed class DataInput : IDisposable
{
    private const int FirstChunk = 1 << 20;
    private readonly Stream _stream;
    private readonly Stream? _ownedFile;
    private readonly TailKeepingStream? _compressed;

    private DataInput(Stream stream, Stream? ownedFile, TailKeepingStream? compressed, string source)
    {
        _stream = stream;
        _ownedFile = ownedFile;
        _compressed = compressed;
        Source = source;
    }

    /// <summary>How messages name the input: <c>file '/path'</c>, or a description of a stream.</summary>
    public string Source { get; }

    /// <summary>Offset in the uncompressed bytes of the next byte to read.</summary>
    public long Offset { get; private set; }

    /// <summary>Opens a file; a missing file raises <see cref="FileNotFoundException"/> naming the path.</summary>
    public static DataInput OpenFile(string path, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{kind} file '{path}' was not found.", path);
        var file = File.OpenRead(path);
        try { return Wrap(file, file, $"{kind} file '{path}'"); }
        catch { file.Dispose(); throw; }
    }

    /// <summary>Wraps a caller's stream, which is left open.</summary>
    public static DataInput OpenStream(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The stream must be readable.", nameof(stream));
        return Wrap(stream, null, source);
    }

    private static DataInput Wrap(Stream raw, Stream? owned, string source)
    {
        var sniffed = new byte[2];
        int n = ReadUpTo(raw, sniffed, source);
        var replay = new PrefixedStream(sniffed[..n], raw);
        if (n < 2 || sniffed[0] != 0x1F || sniffed[1] != 0x8B) return new DataInput(replay, owned, null, source);
        var compressed = new TailKeepingStream(replay);
        var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        return new DataInput(gzip, owned, compressed, source);
    }

    /// <summary>Builds the exception for a problem, prefixed with the source's name.</summary>
    public InvalidDataException Error(string problem) => new($"{Source}: {problem}");

    /// <summary>Reads a 32-bit big-endian integer (IDX headers).</summary>
    public int ReadInt32BigEndian(string what) => BinaryPrimitives.ReadInt32BigEndian(ReadHeader(what));

    /// <summary>Reads a 32-bit little-endian integer (digit-pack headers).</summary>
    public int ReadInt32LittleEndian(string what) => BinaryPrimitives.ReadInt32LittleEndian(ReadHeader(what));

    /// <summary>Reads exactly four bytes.</summary>
    public byte[] ReadHeader(string what) => ReadBytes(4, what);

    /// <summary>
    /// Reads exactly <paramref name="count"/> bytes. The buffer grows as data arrives, so a
    /// truncated file that claims a huge count fails without first allocating that much.
    /// </summary>
    public byte[] ReadBytes(int count, string what)
    {
        long start = Offset;
        var buffer = new byte[Math.Min(count, FirstChunk)];
        int filled = 0;
        while (filled < count)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
            int n = ReadUpTo(_stream, buffer.AsSpan(filled), Source);
            if (n == 0) throw Truncated(count, filled, what, start);
            filled += n;
            Offset += n;
        }
        return buffer;
    }

    /// <summary>Fails when bytes remain after the last expected field.</summary>
    public void ExpectEnd(string lastField)
    {
        Span<byte> probe = stackalloc byte[4096];
        long extra = 0;
        int n;
        while ((n = ReadUpTo(_stream, probe, Source)) > 0) extra += n;
        if (extra > 0)
            throw Error($"{extra} unexpected trailing bytes after the {lastField} (ends at offset {Offset}).");
        if (_compressed is not null) ExpectGzipTrailer();
    }

    // .NET's GZipStream checks the trailer's CRC when the trailer is there, but a file cut inside
    // the 8-byte trailer decompresses in full without complaint (dotnet/runtime#47563). So check
    // that the last 8 compressed bytes end in the size we decompressed (single-member gzip).
    private void ExpectGzipTrailer()
    {
        Span<byte> rest = stackalloc byte[4096];
        long unread = 0;
        int n;
        while ((n = ReadUpTo(_compressed!, rest, Source)) > 0) unread += n;
        if (unread > 0)
            throw Error($"{unread} unexpected bytes after the end of the gzip data.");
        var tail = _compressed!.Tail;
        uint size = tail.Length == TailKeepingStream.TailSize ? BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]) : 0;
        if (_compressed.BytesRead < 18 || size != (uint)Offset)
            throw Error($"file is truncated: the gzip trailer is missing or cut (it should record {(uint)Offset} uncompressed bytes, found {size}).");
    }

    public void Dispose()
    {
        _stream.Dispose();
        _ownedFile?.Dispose();
    }

    private InvalidDataException Truncated(int expected, int found, string what, long start) =>
        start == 0 && found == 0
            ? Error($"file is empty: expected {expected} bytes of {what}.")
            : Error($"file is truncated: expected {expected} bytes of {what} at offset {start}, found {found}.");

    // One read that turns the decompressor's own complaints into messages naming the file.
    private static int ReadUpTo(Stream stream, Span<byte> buffer, string source)
    {
        try { return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false); }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: gzip data is corrupt or truncated ({e.Message})", e);
        }
    }
}
