using System.Buffers.Binary;
using System.IO.Compression;

namespace AutoDiff.Data;

/// <summary>
/// Reads and writes a <see cref="DigitSet"/> in the compact "digit pack" format: a gzip stream
/// whose uncompressed payload is
/// <code>
/// offset  size           field
/// 0       4              magic, the ASCII bytes "ADDP" (41 44 44 50)
/// 4       4              version, int32 little-endian, = 1
/// 8       4              count, int32 little-endian, number of images (≥ 0)
/// 12      4              rows, int32 little-endian, 1..DigitSet.MaxSide
/// 16      4              cols, int32 little-endian, 1..DigitSet.MaxSide
/// 20      count·rows·cols pixels: image after image, each row-major, one byte 0..255 per pixel
/// ...     count          labels: one byte 0..9 per image, in the same order
/// </code>
/// and nothing after the labels. <see cref="Read(Stream)"/> also accepts the payload uncompressed.
/// </summary>
public static class DigitPack
{
    /// <summary>The format version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Size in bytes of the uncompressed header that precedes the pixels.</summary>
    public const int HeaderSize = 20;

    private static ReadOnlySpan<byte> Magic => "ADDP"u8;

    /// <summary>Reads a digit pack file (gzip-compressed or not).</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid digit pack; the message names the file and the problem.</exception>
    public static DigitSet ReadFile(string path)
    {
        using var input = DataInput.OpenFile(path, "digit pack");
        return Read(input);
    }

    /// <summary>Reads a digit pack (gzip-compressed or not) from <paramref name="stream"/>, which is left open.</summary>
    /// <exception cref="InvalidDataException">The stream is not a valid digit pack; the message names the problem.</exception>
    public static DigitSet Read(Stream stream)
    {
        using var input = DataInput.OpenStream(stream, "digit pack stream");
        return Read(input);
    }

    /// <summary>Writes <paramref name="set"/> as a gzip-compressed digit pack file, replacing any file at <paramref name="path"/>.</summary>
    public static void WriteFile(string path, DigitSet set)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.Create(path);
        Write(file, set);
    }

    /// <summary>Writes <paramref name="set"/> as a gzip-compressed digit pack to <paramref name="stream"/>, which is left open.</summary>
    public static void Write(Stream stream, DigitSet set)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(set);
        using var gzip = new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], set.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], set.Rows);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], set.Columns);
        gzip.Write(header);
        gzip.Write(set.ImageBytes);
        gzip.Write(set.Labels);
    }

    private static DigitSet Read(DataInput input)
    {
        var magic = input.ReadHeader("magic");
        if (!magic.AsSpan().SequenceEqual(Magic))
            throw input.Error($"wrong magic {Convert.ToHexString(magic)}, expected {Convert.ToHexString(Magic)} (\"ADDP\"): not a digit pack.");
        int version = input.ReadInt32LittleEndian("version");
        if (version != Version)
            throw input.Error($"unsupported version {version}; this reader understands version {Version}.");
        int count = input.ReadInt32LittleEndian("image count");
        int rows = input.ReadInt32LittleEndian("row count");
        int columns = input.ReadInt32LittleEndian("column count");
        int pixelBytes = DataChecks.ImageBytes(input, count, rows, columns);
        var images = input.ReadBytes(pixelBytes, "pixels");
        var labels = input.ReadBytes(count, "labels");
        DataChecks.Labels(input, labels);
        input.ExpectEnd("labels");
        return new DigitSet(rows, columns, images, labels, validate: false);
    }
}
