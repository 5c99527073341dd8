using AutoDiff.Data;
using Xunit;

namespace AutoDiff.Tests.Data;

public class DigitSetTests
{
    [Fact]
    public void Sizes_and_image_slices_follow_the_row_major_layout()
    {
        var set = SyntheticDigits.Make(5);
        Assert.Equal((5, 3, 4, 12), (set.Count, set.Rows, set.Columns, set.Pixels));
        Assert.Equal(60, set.ImageBytes.Length);
        Assert.Equal(set.ImageBytes.Slice(2 * 12, 12).ToArray(), set.Image(2).ToArray());
        Assert.Equal([0, 3, 6, 9, 2], set.Labels.ToArray());
        Assert.Equal([1, 0, 1, 1, 0, 0, 1, 0, 0, 1], set.CountByLabel());
    }

    [Fact]
    public void Constructor_copies_its_inputs()
    {
        var images = new byte[12];
        var labels = new byte[] { 4 };
        var set = new DigitSet(3, 4, images, labels);
        images[0] = 200;
        labels[0] = 7;
        Assert.Equal(0, set.ImageBytes[0]);
        Assert.Equal(4, set.Labels[0]);
    }

    [Theory]
    [InlineData(0, 4, 12, 1, "rows")]
    [InlineData(3, -1, 12, 1, "columns")]
    [InlineData(3, DigitSet.MaxSide + 1, 12, 1, "columns")]
    [InlineData(3, 4, 11, 1, "need 12 image bytes, got 11")]
    public void Constructor_rejects_sizes_that_do_not_fit(int rows, int columns, int imageBytes, int count, string expected)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new DigitSet(rows, columns, new byte[imageBytes], new byte[count]));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Constructor_rejects_a_label_above_nine()
    {
        var e = Assert.Throws<ArgumentException>(() => new DigitSet(1, 1, new byte[3], new byte[] { 1, 10, 2 }));
        Assert.Contains("Label 10 at index 1 is out of range 0..9", e.Message);
    }

    [Fact]
    public void CopyImages_scales_bytes_to_byte_over_255_in_float_and_double()
    {
        var set = new DigitSet(1, 4, new byte[] { 0, 1, 128, 255, 51, 0, 0, 0 }, new byte[] { 0, 1 });
        var floats = new float[9];
        floats[8] = -1f;
        set.CopyImages([1, 0], floats);
        Assert.Equal([51 / 255f, 0f, 0f, 0f, 0f, 1 / 255f, 128 / 255f, 1f, -1f], floats);

        var doubles = new double[4];
        set.CopyImages([0], doubles);
        Assert.Equal([0.0, 1 / 255.0, 128 / 255.0, 1.0], doubles);
    }

    [Fact]
    public void CopyImages_and_CopyLabels_reject_bad_indices_and_short_destinations()
    {
        var set = SyntheticDigits.Make(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.CopyImages([0, 3], new float[24]));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.CopyImages([-1], new double[12]));
        Assert.Throws<ArgumentException>(() => set.CopyImages([0, 1], new float[23]));
        Assert.Throws<ArgumentException>(() => set.CopyLabels([0, 1], new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.CopyLabels([5], new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Image(3));
    }

    [Fact]
    public void CopyLabels_gathers_the_labels_in_index_order()
    {
        var set = SyntheticDigits.Make(5);
        var labels = new int[3];
        set.CopyLabels([4, 0, 4], labels);
        Assert.Equal([2, 0, 2], labels);
    }

    [Fact]
    public void Subset_keeps_index_order_and_allows_repeats()
    {
        var set = SyntheticDigits.Make(5);
        var subset = set.Subset([3, 1, 3]);
        Assert.Equal(3, subset.Count);
        Assert.Equal(set.Image(3).ToArray(), subset.Image(0).ToArray());
        Assert.Equal(set.Image(1).ToArray(), subset.Image(1).ToArray());
        Assert.Equal([9, 3, 9], subset.Labels.ToArray());
        Assert.Equal(0, set.Subset([]).Count);
    }

    [Fact]
    public void Split_is_a_seeded_partition_that_repeats_for_the_same_seed()
    {
        var set = SyntheticDigits.Make(7);
        var (train, test) = set.Split(5, seed: 42);
        Assert.Equal((5, 2), (train.Count, test.Count));

        // Pixel 0 of image i is i·37 mod 256, so it names the original image.
        var seen = new[] { train, test }.SelectMany(part => Enumerable.Range(0, part.Count).Select(i => part.Image(i)[0] / 37)).ToList();
        Assert.Equal(Enumerable.Range(0, 7), seen.Order());

        var (trainAgain, testAgain) = set.Split(5, seed: 42);
        Assert.Equal(train.ImageBytes.ToArray(), trainAgain.ImageBytes.ToArray());
        Assert.Equal(test.Labels.ToArray(), testAgain.Labels.ToArray());
    }

    [Fact]
    public void Split_shuffle_is_fisher_yates_driven_by_new_Random_of_the_seed()
    {
        // Independent re-statement of the documented algorithm.
        var random = new Random(2024);
        var expected = Enumerable.Range(0, 50).ToArray();
        for (int i = expected.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }
        Assert.Equal(expected, DigitSet.ShuffledIndices(50, 2024));
        Assert.NotEqual(DigitSet.ShuffledIndices(50, 2024), DigitSet.ShuffledIndices(50, 2025));
    }

    [Fact]
    public void Split_pins_the_permutation_for_seed_42_so_demo_splits_stay_reproducible()
    {
        // Pinned output of new Random(42) Fisher–Yates over 10 items; changes only if the algorithm does.
        Assert.Equal(PinnedSeed42, DigitSet.ShuffledIndices(10, 42));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(6)]
    public void Split_rejects_a_train_count_outside_0_to_Count(int trainCount)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDigits.Make(5).Split(trainCount, 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Split_accepts_the_edges(int trainCount)
    {
        var (train, test) = SyntheticDigits.Make(5).Split(trainCount, 1);
        Assert.Equal((trainCount, 5 - trainCount), (train.Count, test.Count));
    }

    private static readonly int[] PinnedSeed42 = [9, 0, 4, 2, 5, 7, 3, 8, 1, 6];
}
