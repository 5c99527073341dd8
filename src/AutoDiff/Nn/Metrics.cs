using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// Classification metrics on [N, k] scores (argmax per row, <see cref="ArgMax{T}"/>) or one score per
/// sample thresholded at a cut-off (<see cref="Threshold{T}"/>, <see cref="BinaryAccuracyFromLogits{T}"/>).
/// </summary>
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

    /// <summary>
    /// 1 where <c>scores[i] &gt; cutoff</c>, else 0: the predicted class of a binary output. For logits use
    /// cutoff 0 (σ(z) &gt; ½ ⇔ z &gt; 0); for probabilities, ½. A NaN score is refused naming its index.
    /// </summary>
    public static void Threshold<T>(ReadOnlySpan<T> scores, T cutoff, Span<int> predictions) where T : IFloatingPointIeee754<T>
    {
        if (scores.Length != predictions.Length)
            throw new ArgumentException($"{scores.Length} scores for {predictions.Length} predictions.", nameof(predictions));
        for (int i = 0; i < scores.Length; i++)
        {
            if (T.IsNaN(scores[i])) throw new ArgumentException($"Score at index {i} is NaN.", nameof(scores));
            predictions[i] = scores[i] > cutoff ? 1 : 0;
        }
    }

    /// <summary>
    /// The accuracy of a binary classifier from its logits z (one per sample, as fed to
    /// <see cref="Losses.BinaryCrossEntropyFromLogits{T}"/>) against 0/1 targets d: the fraction of
    /// samples where <c>(z &gt; 0) = (d = 1)</c>. A target other than 0 or 1, or a NaN logit, is refused
    /// naming its index.
    /// </summary>
    public static double BinaryAccuracyFromLogits<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets) where T : IFloatingPointIeee754<T>
    {
        if (logits.Length != targets.Length)
            throw new ArgumentException($"{logits.Length} logits for {targets.Length} targets.", nameof(targets));
        if (logits.Length == 0) throw new ArgumentException("Accuracy of no samples is undefined.", nameof(logits));
        int hits = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (targets[i] != T.Zero && targets[i] != T.One)
                throw new ArgumentOutOfRangeException(nameof(targets), $"Target at index {i} is {targets[i]}; binary targets must be 0 or 1.");
            if (T.IsNaN(logits[i])) throw new ArgumentException($"Logit at index {i} is NaN.", nameof(logits));
            if ((logits[i] > T.Zero) == (targets[i] == T.One)) hits++;
        }
        return hits / (double)logits.Length;
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
