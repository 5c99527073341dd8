using AutoDiff.Data;
using Xunit;

namespace AutoDiff.Tests.Data;

/// <summary>Every malformed digit pack fails with <see cref="InvalidDataException"/> naming the file and the problem.</summary>
public class DigitPackRejectionTests
{
    private static readonly DigitSet Set = SyntheticDigits.Make(5);
    private static readonly byte[] Valid = SyntheticDigits.PackPayload(Set);
    private const int PixelsStart = DigitPack.HeaderSize;
    private const int LabelsStart = DigitPack.HeaderSize + 5 * 12;

    private static readonly Dictionary<string, (Func<byte[]> Bytes, string Message)> Cases = new()
    {
        ["empty file"] = (() => [], "file is empty"),
        ["text magic"] = (() => SyntheticDigits.PackPayload(Set, magic: "ADDQ"), "wrong magic 41444451, expected 41444450"),
        ["IDX file instead"] = (() => SyntheticDigits.IdxImages(Set), "not a digit pack"),
        ["version 2"] = (() => SyntheticDigits.PackPayload(Set, version: 2), "unsupported version 2"),
        ["version 0"] = (() => SyntheticDigits.PackPayload(Set, version: 0), "unsupported version 0"),
        ["negative count"] = (() => SyntheticDigits.WithInt32(Valid, 8, -1, bigEndian: false), "image count -1 is negative"),
        ["zero rows"] = (() => SyntheticDigits.WithInt32(Valid, 12, 0, bigEndian: false), "row count 0 is outside 1..1024"),
        ["negative columns"] = (() => SyntheticDigits.WithInt32(Valid, 16, -4, bigEndian: false), "column count -4 is outside 1..1024"),
        ["huge columns"] = (() => SyntheticDigits.WithInt32(Valid, 16, 5000, bigEndian: false), "column count 5000 is outside 1..1024"),
        ["more pixels than an array"] = (() => SyntheticDigits.WithInt32(SyntheticDigits.WithInt32(SyntheticDigits.WithInt32(
            Valid, 8, int.MaxValue, false), 12, 1024, false), 16, 1024, false), "more than one array can hold"),
        ["count larger than the data"] = (() => SyntheticDigits.WithInt32(Valid, 8, 60000, bigEndian: false),
            "file is truncated: expected 720000 bytes of pixels at offset 20, found 65"),
        ["label 12"] = (() => SyntheticDigits.WithByte(Valid, LabelsStart + 3, 12), "label 12 at index 3 is out of range 0..9"),
        ["label 255"] = (() => SyntheticDigits.WithByte(Valid, LabelsStart, 255), "label 255 at index 0 is out of range 0..9"),
        ["trailing bytes"] = (() => [.. Valid, 0, 0, 0], "3 unexpected trailing bytes after the labels"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Malformed_file_is_rejected_with_its_name_and_the_problem(string name)
    {
        var (bytes, message) = Cases[name];
        using var folder = new TempFolder();
        foreach (bool gzip in new[] { false, true })
        {
            string path = folder.Write(gzip ? "pack.bin.gz" : "pack.bin", gzip ? SyntheticDigits.Gzip(bytes()) : bytes());
            var e = Assert.Throws<InvalidDataException>(() => DigitPack.ReadFile(path));
            Assert.Contains($"digit pack file '{path}'", e.Message);
            Assert.Contains(message, e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Malformed_stream_is_rejected_with_the_problem(string name)
    {
        var (bytes, message) = Cases[name];
        var e = Assert.Throws<InvalidDataException>(() => DigitPack.Read(new MemoryStream(bytes())));
        Assert.Contains("digit pack stream", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Truncation_at_every_offset_names_the_field_and_the_bytes_found()
    {
        using var folder = new TempFolder();
        for (int length = 0; length < Valid.Length; length++)
        {
            string path = folder.Write($"cut-{length}.bin", Valid[..length]);
            var e = Assert.Throws<InvalidDataException>(() => DigitPack.ReadFile(path));
            Assert.Contains(path, e.Message);
            Assert.Contains(length == 0 ? "file is empty" : "file is truncated: expected", e.Message);
            Assert.Contains(FieldAt(length), e.Message);
        }
    }

    [Fact]
    public void Truncation_of_the_gzip_file_at_every_offset_is_rejected_naming_the_file()
    {
        byte[] gzip = SyntheticDigits.Gzip(Valid);
        using var folder = new TempFolder();
        for (int length = 0; length < gzip.Length; length++)
        {
            string path = folder.Write($"cut-{length}.bin.gz", gzip[..length]);
            var e = Assert.Throws<InvalidDataException>(() => DigitPack.ReadFile(path));
            Assert.Contains(path, e.Message);
            Assert.Matches("empty|truncated|corrupt|wrong magic", e.Message);
            if (length >= gzip.Length - 8)
                Assert.Contains("file is truncated: the gzip trailer is missing or cut", e.Message);
        }
    }

    [Theory]
    [InlineData("crc", 8, "gzip data is corrupt")]
    [InlineData("size", 4, "gzip data is corrupt")]
    public void Gzip_file_with_a_damaged_trailer_is_rejected(string field, int fromEnd, string message)
    {
        byte[] gzip = SyntheticDigits.Gzip(Valid);
        gzip[^fromEnd] ^= 0x01;
        using var folder = new TempFolder();
        string path = folder.Write($"bad-{field}.bin.gz", gzip);
        var e = Assert.Throws<InvalidDataException>(() => DigitPack.ReadFile(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(message, e.Message);
    }

    private static string FieldAt(int length) => length switch
    {
        < 4 => "bytes of magic",
        < 8 => "bytes of version",
        < 12 => "bytes of image count",
        < 16 => "bytes of row count",
        < PixelsStart => "bytes of column count",
        < LabelsStart => $"60 bytes of pixels at offset 20, found {length - PixelsStart}",
        _ => $"5 bytes of labels at offset {LabelsStart}, found {length - LabelsStart}",
    };
}
