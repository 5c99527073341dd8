using System.Numerics;

namespace AutoDiff.Data;

/// <summary>
/// A set of labelled grey-scale digit images (such as MNIST): <see cref="Count"/> images of
/// <see cref="Rows"/>×<see cref="Columns"/> bytes each (0 = background, 255 = full ink), stored
/// one after another in row-major order, and one label 0..9 per image. Immutable.
/// </summary>
public sealed class DigitSet
{
    /// <summary>The largest <see cref="Rows"/> or <see cref="Columns"/> accepted (loaders reject larger).</summary>
    public const int MaxSide = 1024;

    /// <summary>Number of classes: labels are 0..<c>LabelCount - 1</c>.</summary>
    public const int LabelCount = 10;

    private readonly byte[] _images;
    private readonly byte[] _labels;

    /// <summary>
    /// Creates a set from copies of <paramref name="images"/> (<c>labels.Length · rows · columns</c>
    /// bytes, image after image, each row-major) and <paramref name="labels"/> (each 0..9).
    /// </summary>
    /// <exception cref="ArgumentException">A size does not fit, or a label is above 9.</exception>
    public DigitSet(int rows, int columns, ReadOnlySpan<byte> images, ReadOnlySpan<byte> labels)
        : this(rows, columns, images.ToArray(), labels.ToArray(), validate: true)
    {
    }

    // Takes ownership of the arrays; loaders validate with their own messages first.
    internal DigitSet(int rows, int columns, byte[] images, byte[] labels, bool validate)
    {
        if (validate)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxSide);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, MaxSide);
            if ((long)labels.Length * rows * columns != images.Length)
                throw new ArgumentException(
                    $"{labels.Length} labels of {rows}×{columns} images need {(long)labels.Length * rows * columns} image bytes, got {images.Length}.",
                    nameof(images));
            int bad = IndexOfBadLabel(labels);
            if (bad >= 0)
                throw new ArgumentException($"Label {labels[bad]} at index {bad} is out of range 0..9.", nameof(labels));
        }
        Rows = rows;
        Columns = columns;
        _images = images;
        _labels = labels;
    }

    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Height of each image in pixels.</summary>
    public int Rows { get; }

    /// <summary>Width of each image in pixels.</summary>
    public int Columns { get; }

    /// <summary>Pixels per image: <c>Rows · Columns</c> (784 for MNIST).</summary>
    public int Pixels => Rows * Columns;

    /// <summary>All pixel bytes: image <c>i</c> is <c>[i·Pixels, (i+1)·Pixels)</c>, row-major.</summary>
    public ReadOnlySpan<byte> ImageBytes => _images;

    /// <summary>The label 0..9 of each image.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>The <see cref="Pixels"/> bytes of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        CheckIndex(index, nameof(index));
        return _images.AsSpan(index * Pixels, Pixels);
    }

    /// <summary>How many images carry each label: element <c>d</c> counts digit <c>d</c>.</summary>
    public int[] CountByLabel()
    {
        var counts = new int[LabelCount];
        foreach (byte label in _labels) counts[label]++;
        return counts;
    }

    /// <summary>
    /// Writes the images at <paramref name="indices"/> into the first <c>indices.Length · Pixels</c>
    /// elements of <paramref name="destination"/> (a row-major batch, one image per row), each
    /// pixel scaled to <c>x = byte / 255</c> in [0, 1].
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside 0..Count-1.</exception>
    public void CopyImages<T>(ReadOnlySpan<int> indices, Span<T> destination)
        where T : IFloatingPointIeee754<T>
    {
        int pixels = Pixels;
        CheckDestination((long)indices.Length * pixels, destination.Length);
        ReadOnlySpan<T> scale = ByteScale<T>.Table;
        for (int row = 0; row < indices.Length; row++)
        {
            int index = indices[row];
            CheckIndex(index, nameof(indices));
            var source = _images.AsSpan(index * pixels, pixels);
            var target = destination.Slice(row * pixels, pixels);
            for (int p = 0; p < source.Length; p++) target[p] = scale[source[p]];
        }
    }

    /// <summary>Writes the labels at <paramref name="indices"/> into the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside 0..Count-1.</exception>
    public void CopyLabels(ReadOnlySpan<int> indices, Span<int> destination)
    {
        CheckDestination(indices.Length, destination.Length);
        for (int row = 0; row < indices.Length; row++)
        {
            CheckIndex(indices[row], nameof(indices));
            destination[row] = _labels[indices[row]];
        }
    }

    /// <summary>A new set holding the images at <paramref name="indices"/>, in that order (repeats allowed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside 0..Count-1.</exception>
    public DigitSet Subset(ReadOnlySpan<int> indices)
    {
        int pixels = Pixels;
        var images = new byte[(long)indices.Length * pixels];
        var labels = new byte[indices.Length];
        for (int row = 0; row < indices.Length; row++)
        {
            int index = indices[row];
            CheckIndex(index, nameof(indices));
            _images.AsSpan(index * pixels, pixels).CopyTo(images.AsSpan(row * pixels));
            labels[row] = _labels[index];
        }
        return new DigitSet(Rows, Columns, images, labels, validate: false);
    }

    /// <summary>
    /// Shuffles the images with a seeded Fisher–Yates shuffle and cuts the result in two: the first
    /// <paramref name="trainCount"/> shuffled images form <c>Train</c>, the rest <c>Test</c>.
    /// The shuffle draws from <c>new Random(seed)</c> (for <c>i</c> from <c>Count-1</c> down to 1,
    /// swap <c>i</c> with <c>Next(i + 1)</c>), so the same seed gives the same split on every run
    /// and .NET version.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trainCount"/> is outside 0..Count.</exception>
    public (DigitSet Train, DigitSet Test) Split(int trainCount, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(trainCount, Count);
        var order = ShuffledIndices(Count, seed);
        return (Subset(order.AsSpan(0, trainCount)), Subset(order.AsSpan(trainCount)));
    }

    /// <summary>The permutation of 0..count-1 used by <see cref="Split"/>.</summary>
    internal static int[] ShuffledIndices(int count, int seed)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var random = new Random(seed);
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Index of the first label above 9, or -1.</summary>
    internal static int IndexOfBadLabel(ReadOnlySpan<byte> labels) =>
        labels.IndexOfAnyExceptInRange((byte)0, (byte)(LabelCount - 1));

    private void CheckIndex(int index, string parameter)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(parameter, index, $"Image index {index} is outside 0..{Count - 1}.");
    }

    private static void CheckDestination(long needed, int length)
    {
        if (length < needed)
            throw new ArgumentException($"Destination holds {length} elements but {needed} are needed.", "destination");
    }

    // byte → byte/255 for each of the 256 values, computed once per element type.
    private static class ByteScale<T> where T : IFloatingPointIeee754<T>
    {
        public static readonly T[] Table = Build();

        private static T[] Build()
        {
            var table = new T[256];
            for (int b = 0; b < table.Length; b++) table[b] = T.CreateTruncating(b) / T.CreateTruncating(255);
            return table;
        }
    }
}
