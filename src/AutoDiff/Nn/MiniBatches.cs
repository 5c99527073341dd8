using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// Mini-batches over a data set: a seeded shuffle of the sample indices each epoch, cut into batches;
/// <see cref="Gather{T}(int, ReadOnlySpan{T}, Span{T})"/> copies a batch's rows out of the data.
/// </summary>
/// <example>
/// <code>
/// var batches = new MiniBatches(x.Shape[0], batchSize: 32, seed: 1);
/// for (int epoch = 0; epoch &lt; 10; epoch++)
/// {
///     batches.Shuffle();
///     for (int b = 0; b &lt; batches.Count; b++)
///     {
///         tape.Reset();
///         var loss = Losses.CrossEntropyFromLogits(mlp.Forward(tape.Constant(batches.Gather(b, x))), batches.Gather(b, labels));
///         ...
/// </code>
/// </example>
public sealed class MiniBatches
{
    private readonly int[] order;
    private readonly Random random;

    /// <summary>Batches of <paramref name="batchSize"/> over <paramref name="count"/> samples, shuffled by <paramref name="seed"/>.</summary>
    public MiniBatches(int count, int batchSize, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        order = Enumerable.Range(0, count).ToArray();
        BatchSize = batchSize;
        random = new Random(seed);
    }

    /// <summary>Samples per batch (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; }

    /// <summary>Batches per epoch.</summary>
    public int Count => (order.Length + BatchSize - 1) / BatchSize;

    /// <summary>Reshuffles the order (Fisher–Yates); call once per epoch.</summary>
    public void Shuffle() => random.Shuffle(order);

    /// <summary>The sample indices of batch <paramref name="batch"/> in the current order.</summary>
    public ReadOnlySpan<int> this[int batch]
    {
        get
        {
            if ((uint)batch >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(batch), $"Batch {batch} is outside 0..{Count - 1}.");
            int start = batch * BatchSize;
            return order.AsSpan(start, Math.Min(BatchSize, order.Length - start));
        }
    }

    /// <summary>
    /// Copies the rows of batch <paramref name="batch"/> out of <paramref name="source"/>, the whole data set
    /// as [count, rowLength] row-major values (rowLength = source.Length / count; 1 for labels), into the
    /// start of <paramref name="destination"/>, in the batch's order. Returns the number of rows copied
    /// (the last batch of an epoch may be short). Allocates nothing: reuse one destination buffer.
    /// </summary>
    public int Gather<T>(int batch, ReadOnlySpan<T> source, Span<T> destination)
    {
        var rows = this[batch];
        int rowLength = RowLength(source.Length);
        if (destination.Length < rows.Length * rowLength)
            throw new ArgumentException($"Batch {batch} has {rows.Length} rows of {rowLength} values, {rows.Length * rowLength} in all; the destination holds {destination.Length}.", nameof(destination));
        for (int i = 0; i < rows.Length; i++)
            source.Slice(rows[i] * rowLength, rowLength).CopyTo(destination.Slice(i * rowLength, rowLength));
        return rows.Length;
    }

    /// <summary>
    /// The rows of batch <paramref name="batch"/> of <paramref name="source"/> (the whole data set, with the
    /// samples along axis 0) as a new tensor of shape [rows, …the other axes of source].
    /// </summary>
    public Tensor<T> Gather<T>(int batch, Tensor<T> source) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(source);
        var s = source.Shape;
        if (s.Rank == 0 || s[0] != order.Length)
            throw new ArgumentException($"The mini-batches are over {order.Length} samples but the data has shape {s}; its axis 0 must be the {order.Length} samples.", nameof(source));
        var dims = s.Dims.ToArray();
        dims[0] = this[batch].Length;
        var result = Tensor.Zeros<T>(dims);
        Gather(batch, source.Span, result.Span);
        return result;
    }

    /// <summary>The labels (or any one value per sample) of batch <paramref name="batch"/>, as a new array.</summary>
    public int[] Gather(int batch, ReadOnlySpan<int> source)
    {
        var result = new int[this[batch].Length];
        Gather(batch, source, result.AsSpan());
        return result;
    }

    private int RowLength(int sourceLength)
    {
        if (sourceLength == 0 || sourceLength % order.Length != 0)
            throw new ArgumentException($"The mini-batches are over {order.Length} samples but the data has {sourceLength} values, not a whole number of values per sample.", "source");
        return sourceLength / order.Length;
    }
}
