using AutoDiff.Data;
using Xunit;

namespace AutoDiff.Tests.Data;

public class MnistIdxTests
{
    private static readonly DigitSet Set = SyntheticDigits.Make(5);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void Reads_synthetic_idx_files_plain_or_gzip(bool gzipImages, bool gzipLabels)
    {
        using var folder = new TempFolder();
        byte[] images = SyntheticDigits.IdxImages(Set), labels = SyntheticDigits.IdxLabels(Set);
        string imagesPath = folder.Write("train-images-idx3-ubyte", gzipImages ? SyntheticDigits.Gzip(images) : images);
        string labelsPath = folder.Write("train-labels-idx1-ubyte", gzipLabels ? SyntheticDigits.Gzip(labels) : labels);

        DigitPackTests.AssertSameSet(Set, MnistIdx.Read(imagesPath, labelsPath));
    }

    [Fact]
    public void Reads_idx_streams_that_trickle_one_byte_at_a_time()
    {
        var read = MnistIdx.Read(
            new TrickleStream(SyntheticDigits.Gzip(SyntheticDigits.IdxImages(Set))),
            new TrickleStream(SyntheticDigits.IdxLabels(Set)));
        DigitPackTests.AssertSameSet(Set, read);
    }

    [Fact]
    public void Header_is_big_endian_as_in_the_mnist_files()
    {
        // First bytes of the real train-images-idx3-ubyte: 00 00 08 03, 00 00 EA 60 (60000), 00 00 00 1C (28), 00 00 00 1C.
        byte[] header = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 0x1C, 0, 0, 0, 0x1C];
        byte[] images = [.. header, .. new byte[2 * 28 * 28]];
        byte[] labels = [0, 0, 8, 1, 0, 0, 0, 2, 7, 2];
        var set = MnistIdx.Read(new MemoryStream(images), new MemoryStream(labels));
        Assert.Equal((2, 28, 28), (set.Count, set.Rows, set.Columns));
        Assert.Equal([7, 2], set.Labels.ToArray());
    }

    [Fact]
    public void Missing_files_raise_FileNotFoundException_naming_the_path()
    {
        using var folder = new TempFolder();
        string images = folder.Write("images", SyntheticDigits.IdxImages(Set));
        string labels = folder.Write("labels", SyntheticDigits.IdxLabels(Set));
        string missing = Path.Combine(folder.Path, "missing", "t10k-labels-idx1-ubyte");

        var e = Assert.Throws<FileNotFoundException>(() => MnistIdx.Read(images, missing));
        Assert.Equal(missing, e.FileName);
        Assert.Contains($"labels file '{missing}'", e.Message);

        e = Assert.Throws<FileNotFoundException>(() => MnistIdx.Read(missing, labels));
        Assert.Contains($"images file '{missing}'", e.Message);
    }
}
