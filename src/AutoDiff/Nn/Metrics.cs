using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>Classification metrics on [N, k] scores (argmax per row) or [N] / [N, 1] scores thresholded at a cut-off.</summary>
public static class Metrics
{
    /// <summary>The index of the largest score in each row of <paramref name="scores"/> ([rows, k] row-major).</summary>
    public static void ArgMax<T>(ReadOnlySpan<T> scores, int classes, Span<int> predictions) where T : IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (scores.Length != predictions.Length * classes)
            throw new ArgumentException($"{predictions.Length} rows of {classes} scores need {predictions.Length * classes} values; got {scores.Length}.", nameof(scores));
        for (int r = 0; r < predictions.Length; r++)
        {
            var row = scores.Slice(r * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
            predictions[r] = best;
        }
    }

    /// <summary>The fraction of positions where <paramref name="predictions"/> equals <paramref name="labels"/>.</summary>
    public static double Accuracy(ReadOnlySpan<int> predictions, ReadOnlySpan<int> labels)
    {
        if (predictions.Length != labels.Length)
            throw new ArgumentException($"{predictions.Length} predictions for {labels.Length} labels.", nameof(predictions));
        if (labels.Length == 0) throw new ArgumentException("Accuracy of no samples is undefined.", nameof(labels));
        int hits = 0;
        for (int i = 0; i < labels.Length; i++) if (predictions[i] == labels[i]) hits++;
        return hits / (double)labels.Length;
    }

    /// <summary>
    /// The confusion matrix: <c>m[actual, predicted]</c> counts. Labels and predictions must lie in
    /// 0..classes−1; an outlier is refused naming its index.
    /// </summary>
    public static int[,] ConfusionMatrix(ReadOnlySpan<int> predictions, ReadOnlySpan<int> labels, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (predictions.Length != labels.Length)
            throw new ArgumentException($"{predictions.Length} predictions for {labels.Length} labels.", nameof(predictions));
        var m = new int[classes, classes];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), $"Label {labels[i]} at index {i} is outside 0..{classes - 1}.");
            if ((uint)predictions[i] >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(predictions), $"Prediction {predictions[i]} at index {i} is outside 0..{classes - 1}.");
            m[labels[i], predictions[i]]++;
        }
        return m;
    }
}
