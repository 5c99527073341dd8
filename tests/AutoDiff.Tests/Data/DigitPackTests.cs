using AutoDiff.Data;
using Xunit;

namespace AutoDiff.Tests.Data;

public class DigitPackTests
{
    [Fact]
    public void Write_then_Read_gives_back_the_same_set()
    {
        var set = SyntheticDigits.Make(5);
        using var buffer = new MemoryStream();
        DigitPack.Write(buffer, set);
        Assert.Equal([0x1F, 0x8B], buffer.ToArray()[..2]);

        buffer.Position = 0;
        var back = DigitPack.Read(buffer);
        AssertSameSet(set, back);
    }

    [Fact]
    public void Written_payload_is_exactly_the_documented_layout()
    {
        var set = SyntheticDigits.Make(5);
        using var buffer = new MemoryStream();
        DigitPack.Write(buffer, set);
        buffer.Position = 0;
        using var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        Assert.Equal(SyntheticDigits.PackPayload(set), plain.ToArray());
        Assert.Equal(DigitPack.HeaderSize + 5 * 12 + 5, plain.Length);
    }

    [Fact]
    public void Read_accepts_the_uncompressed_payload_from_a_stream_that_trickles_one_byte_at_a_time()
    {
        var set = SyntheticDigits.Make(5);
        AssertSameSet(set, DigitPack.Read(new TrickleStream(SyntheticDigits.PackPayload(set))));
        AssertSameSet(set, DigitPack.Read(new TrickleStream(SyntheticDigits.Gzip(SyntheticDigits.PackPayload(set)))));
    }

    [Fact]
    public void WriteFile_then_ReadFile_round_trips_an_empty_set()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "empty.bin.gz");
        DigitPack.WriteFile(path, new DigitSet(28, 28, [], []));
        var back = DigitPack.ReadFile(path);
        Assert.Equal((0, 28, 28), (back.Count, back.Rows, back.Columns));
    }

    [Fact]
    public void ReadFile_of_a_missing_file_raises_FileNotFoundException_naming_the_path()
    {
        using var folder = new TempFolder();
        foreach (string path in new[] { Path.Combine(folder.Path, "none.bin.gz"), Path.Combine(folder.Path, "no-dir", "none.bin.gz") })
        {
            var e = Assert.Throws<FileNotFoundException>(() => DigitPack.ReadFile(path));
            Assert.Equal(path, e.FileName);
            Assert.Contains(path, e.Message);
        }
    }

    internal static void AssertSameSet(DigitSet expected, DigitSet actual)
    {
        Assert.Equal((expected.Count, expected.Rows, expected.Columns), (actual.Count, actual.Rows, actual.Columns));
        Assert.Equal(expected.ImageBytes.ToArray(), actual.ImageBytes.ToArray());
        Assert.Equal(expected.Labels.ToArray(), actual.Labels.ToArray());
    }
}
