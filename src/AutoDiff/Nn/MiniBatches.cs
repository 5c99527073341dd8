namespace AutoDiff.Nn;

/// <summary>Mini-batches over a data set: a seeded shuffle of the sample indices each epoch, cut into batches.</summary>
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
}
