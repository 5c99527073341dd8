using System.Buffers.Binary;
using System.IO.Compression;
using AutoDiff.Data;

namespace AutoDiff.Tests.Data;

/// <summary>Small hand-made digit sets and the raw bytes of the files that hold them.</summary>
internal static class SyntheticDigits
{
    public const int Rows = 3;
    public const int Columns = 4;

    /// <summary>
    /// <paramref name="count"/> images of 3×4 whose pixel <c>p</c> of image <c>i</c> is
    /// <c>(i·37 + p·11) mod 256</c> (so pixel 0 of image <c>i</c> tells <c>i</c> apart when
    /// count ≤ 7), labelled <c>(i·3) mod 10</c>.
    /// </summary>
    public static DigitSet Make(int count)
    {
        var images = new byte[count * Rows * Columns];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i * 3 % 10);
            for (int p = 0; p < Rows * Columns; p++) images[i * Rows * Columns + p] = (byte)((i * 37 + p * 11) % 256);
        }
        return new DigitSet(Rows, Columns, images, labels);
    }

    /// <summary>The uncompressed digit-pack payload, written by hand from the documented layout.</summary>
    public static byte[] PackPayload(DigitSet set, int version = DigitPack.Version, string magic = "ADDP")
    {
        var bytes = new List<byte>(System.Text.Encoding.ASCII.GetBytes(magic));
        AddLittleEndian(bytes, version, set.Count, set.Rows, set.Columns);
        bytes.AddRange(set.ImageBytes.ToArray());
        bytes.AddRange(set.Labels.ToArray());
        return [.. bytes];
    }

    /// <summary>An IDX images file: magic 0x803, count, rows, cols (big-endian), pixels.</summary>
    public static byte[] IdxImages(DigitSet set) =>
        [.. BigEndian(MnistIdx.ImagesMagic, set.Count, set.Rows, set.Columns), .. set.ImageBytes];

    /// <summary>An IDX labels file: magic 0x801, count (big-endian), labels.</summary>
    public static byte[] IdxLabels(DigitSet set) =>
        [.. BigEndian(MnistIdx.LabelsMagic, set.Count), .. set.Labels];

    public static byte[] BigEndian(params int[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    public static byte[] Gzip(byte[] plain)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(plain);
        return buffer.ToArray();
    }

    /// <summary>Overwrites the four bytes at <paramref name="offset"/> with an int32 (little- or big-endian).</summary>
    public static byte[] WithInt32(byte[] bytes, int offset, int value, bool bigEndian)
    {
        var copy = (byte[])bytes.Clone();
        if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(offset), value);
        else BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(offset), value);
        return copy;
    }

    public static byte[] WithByte(byte[] bytes, int offset, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[offset] = value;
        return copy;
    }

    private static void AddLittleEndian(List<byte> bytes, params int[] values)
    {
        Span<byte> four = stackalloc byte[4];
        foreach (int value in values)
        {
            BinaryPrimitives.WriteInt32LittleEndian(four, value);
            bytes.AddRange(four.ToArray());
        }
    }
}

/// <summary>A fresh folder under the temp path, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "autodiff-data-" + Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public string Write(string name, byte[] bytes)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>A read-only, non-seekable stream that hands out at most one byte per read.</summary>
internal sealed class TrickleStream(byte[] bytes) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (count == 0 || _position == bytes.Length) return 0;
        buffer[offset] = bytes[_position++];
        return 1;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
