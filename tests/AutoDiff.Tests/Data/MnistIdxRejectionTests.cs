using AutoDiff.Data;
using Xunit;

namespace AutoDiff.Tests.Data;

/// <summary>Every malformed IDX pair fails with <see cref="InvalidDataException"/> naming the guilty file and the problem.</summary>
public class MnistIdxRejectionTests
{
    private static readonly DigitSet Set = SyntheticDigits.Make(5);
    private static readonly byte[] Images = SyntheticDigits.IdxImages(Set);
    private static readonly byte[] Labels = SyntheticDigits.IdxLabels(Set);

    private static byte[] ImagesWith(int offset, int value) => SyntheticDigits.WithInt32(Images, offset, value, bigEndian: true);
    private static byte[] LabelsWith(int offset, int value) => SyntheticDigits.WithInt32(Labels, offset, value, bigEndian: true);

    // (images bytes, labels bytes, which file the message must name, what it must say)
    private static readonly Dictionary<string, (Func<byte[]> Images, Func<byte[]> Labels, string Guilty, string Message)> Cases = new()
    {
        ["images magic"] = (() => ImagesWith(0, 0x00000804), () => Labels, "images",
            "wrong magic number 0x00000804, expected 0x00000803 for IDX images"),
        ["paths swapped"] = (() => Labels, () => Images, "images", "are the two paths swapped?"),
        ["labels magic"] = (() => Images, () => LabelsWith(0, 0x08010000), "labels",
            "wrong magic number 0x08010000, expected 0x00000801 for IDX labels"),
        ["count mismatch"] = (() => Images, () => LabelsWith(4, 4), "labels", "has 4 labels but the images file '"),
        ["negative label count"] = (() => Images, () => LabelsWith(4, -5), "labels", "label count -5 is negative"),
        ["negative image count"] = (() => ImagesWith(4, -5), () => Labels, "images", "image count -5 is negative"),
        ["zero rows"] = (() => ImagesWith(8, 0), () => Labels, "images", "row count 0 is outside 1..1024"),
        ["huge columns"] = (() => ImagesWith(12, 1 << 20), () => Labels, "images", "column count 1048576 is outside 1..1024"),
        ["label 12"] = (() => Images, () => SyntheticDigits.WithByte(Labels, 8 + 2, 12), "labels",
            "label 12 at index 2 is out of range 0..9"),
        ["images count exceeds data"] = (() => ImagesWith(4, 6), () => LabelsWith(4, 6), "images",
            "file is truncated: expected 72 bytes of pixels at offset 16, found 60"),
        ["trailing image bytes"] = (() => [.. Images, 9], () => Labels, "images", "1 unexpected trailing bytes after the pixels"),
        ["trailing label bytes"] = (() => Images, () => [.. Labels, 1, 2], "labels", "2 unexpected trailing bytes after the labels"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Malformed_pair_is_rejected_naming_the_guilty_file_and_the_problem(string name)
    {
        var (images, labels, guilty, message) = Cases[name];
        using var folder = new TempFolder();
        foreach (bool gzip in new[] { false, true })
        {
            string imagesPath = folder.Write("images" + (gzip ? ".gz" : ""), gzip ? SyntheticDigits.Gzip(images()) : images());
            string labelsPath = folder.Write("labels" + (gzip ? ".gz" : ""), gzip ? SyntheticDigits.Gzip(labels()) : labels());
            var e = Assert.Throws<InvalidDataException>(() => MnistIdx.Read(imagesPath, labelsPath));
            Assert.StartsWith($"{guilty} file '{(guilty == "images" ? imagesPath : labelsPath)}': ", e.Message);
            Assert.Contains(message, e.Message);
        }
    }

    [Fact]
    public void Truncating_either_file_at_every_offset_names_that_file()
    {
        using var folder = new TempFolder();
        string goodImages = folder.Write("good-images", Images);
        string goodLabels = folder.Write("good-labels", Labels);
        for (int length = 0; length < Images.Length; length++)
        {
            string cut = folder.Write($"images-{length}", Images[..length]);
            var e = Assert.Throws<InvalidDataException>(() => MnistIdx.Read(cut, goodLabels));
            Assert.StartsWith($"images file '{cut}': file is {(length == 0 ? "empty" : "truncated")}", e.Message);
        }
        for (int length = 0; length < Labels.Length; length++)
        {
            string cut = folder.Write($"labels-{length}", Labels[..length]);
            var e = Assert.Throws<InvalidDataException>(() => MnistIdx.Read(goodImages, cut));
            Assert.StartsWith($"labels file '{cut}': file is {(length == 0 ? "empty" : "truncated")}", e.Message);
        }
    }

    [Fact]
    public void Truncating_a_gzip_images_file_at_every_offset_names_that_file()
    {
        byte[] gzip = SyntheticDigits.Gzip(Images);
        using var folder = new TempFolder();
        string labels = folder.Write("labels", Labels);
        for (int length = 0; length < gzip.Length; length++)
        {
            string cut = folder.Write($"images-{length}.gz", gzip[..length]);
            var e = Assert.Throws<InvalidDataException>(() => MnistIdx.Read(cut, labels));
            Assert.StartsWith($"images file '{cut}': ", e.Message);
            Assert.Matches("empty|truncated|corrupt|wrong magic", e.Message);
        }
    }
}
