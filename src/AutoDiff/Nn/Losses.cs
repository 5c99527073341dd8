using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// Divergences averaged over the batch (the empirical risk <c>Loss = 1/N Σᵢ div(Yᵢ, dᵢ)</c>), each a
/// composition of tape operations, so their gradients come from the chain rule. Outputs and targets
/// are [N, k] (or [N] for one output per sample); axis 0 is the batch.
/// </summary>
public static class Losses
{
    /// <summary>L2 divergence <c>½‖Y − d‖²</c> per sample, averaged over the batch. ∂/∂Y = (Y − d)/N.</summary>
    public static Var<T> L2<T>(Var<T> y, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("L2", y, d);
        return (y - d).Square().Sum() * (T.CreateChecked(0.5) / BatchSize(y));
    }

    /// <summary>
    /// Binary KL (cross-entropy) <c>−d log y − (1−d) log(1−y)</c> on probabilities y (a sigmoid output),
    /// averaged over the batch. Probabilities of exactly 0 or 1 stay finite (log is taken of at least
    /// the smallest normal number); prefer <see cref="BinaryKLFromLogits{T}"/>, which is exact there.
    /// </summary>
    public static Var<T> BinaryKL<T>(Var<T> y, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("BinaryKL", y, d);
        CheckProbabilities("BinaryKL target", d.Value);
        var perElement = d * SafeLog(y) + (T.One - d) * SafeLog(T.One - y);
        return -perElement.Sum() / BatchSize(y);
    }

    /// <summary>
    /// Binary KL on logits z (y = σ(z)): <c>softplus(z) − d·z = max(z, 0) − d·z + log(1 + e^{−|z|})</c>,
    /// finite for any finite logit. ∂/∂z = (σ(z) − d)/N.
    /// </summary>
    public static Var<T> BinaryKLFromLogits<T>(Var<T> z, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("BinaryKLFromLogits", z, d);
        CheckProbabilities("BinaryKLFromLogits target", d.Value);
        var abs = Var.Max(z, -z);
        var perElement = Var.Max(z, T.Zero) - d * z + ((-abs).Exp() + T.One).Log();
        return perElement.Sum() / BatchSize(z);
    }

    /// <summary>
    /// Multiclass KL against integer labels, <c>−log y_c</c>, on probabilities y [N, k] (a softmax
    /// output), averaged over the batch. A label outside 0..k−1 is refused naming its index.
    /// </summary>
    public static Var<T> CrossEntropy<T>(Var<T> y, ReadOnlySpan<int> labels) where T : IFloatingPointIeee754<T>
        => -(OneHot(y, labels, "CrossEntropy") * SafeLog(y)).Sum() / BatchSize(y);

    /// <summary>Multiclass KL against integer labels on logits z [N, k]: <c>−log softmax(z)_c</c>, built on log-softmax. ∂/∂z = (softmax(z) − onehot)/N.</summary>
    public static Var<T> CrossEntropyFromLogits<T>(Var<T> z, ReadOnlySpan<int> labels) where T : IFloatingPointIeee754<T>
        => -(OneHot(z, labels, "CrossEntropyFromLogits") * z.LogSoftmax()).Sum() / BatchSize(z);

    /// <summary>Multiclass KL <c>−Σ d log y</c> against one-hot (or any probability) targets d, on probabilities y.</summary>
    public static Var<T> CrossEntropy<T>(Var<T> y, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("CrossEntropy", y, d);
        CheckProbabilities("CrossEntropy target", d.Value);
        return -(d * SafeLog(y)).Sum() / BatchSize(y);
    }

    /// <summary>Multiclass KL <c>−Σ d log softmax(z)</c> against one-hot (or any probability) targets d, on logits z.</summary>
    public static Var<T> CrossEntropyFromLogits<T>(Var<T> z, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("CrossEntropyFromLogits", z, d);
        CheckProbabilities("CrossEntropyFromLogits target", d.Value);
        return -(d * z.LogSoftmax()).Sum() / BatchSize(z);
    }

    /// <summary>
    /// The general KL divergence <c>Σ d log(d/y)</c> for soft targets d on probabilities y, with
    /// <c>0 log 0 = 0</c>: the cross-entropy minus the (constant) entropy of d. Zero when y = d.
    /// </summary>
    public static Var<T> KL<T>(Var<T> y, Var<T> d) where T : IFloatingPointIeee754<T> =>
        CrossEntropy(y, d) - Entropy(d);

    /// <summary>The general KL divergence <c>Σ d log(d/softmax(z))</c> on logits z.</summary>
    public static Var<T> KLFromLogits<T>(Var<T> z, Var<T> d) where T : IFloatingPointIeee754<T> =>
        CrossEntropyFromLogits(z, d) - Entropy(d);

    // −Σ d log d / N as a constant, with 0 log 0 = 0.
    private static T Entropy<T>(Var<T> d) where T : IFloatingPointIeee754<T>
    {
        T h = T.Zero;
        foreach (var p in d.Value) if (p > T.Zero) h -= p * T.Log(p);
        return h / BatchSize(d);
    }

    private static Var<T> SafeLog<T>(Var<T> p) where T : IFloatingPointIeee754<T> =>
        Var.Max(p, SmallestNormal<T>()).Log();

    private static T SmallestNormal<T>() where T : IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateChecked(1.17549435e-38f) : T.CreateChecked(2.2250738585072014e-308);

    private static T BatchSize<T>(Var<T> y) where T : IFloatingPointIeee754<T>
    {
        var s = y.Shape;
        if (s.Rank == 0 || s[0] == 0) throw new ArgumentException($"A loss needs a non-empty batch along axis 0; the output has shape {s}.");
        return T.CreateChecked(s[0]);
    }

    private static void SameShape<T>(string loss, Var<T> y, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        if (y.Shape != d.Shape) throw new ShapeMismatchException(loss, y.Shape, d.Shape, "the output and the target must have the same shape");
    }

    private static void CheckProbabilities<T>(string what, ReadOnlySpan<T> values) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
            if (!(values[i] >= T.Zero && values[i] <= T.One))
                throw new ArgumentOutOfRangeException(nameof(values), $"{what} at flat index {i} is {values[i]}; probabilities must lie in [0, 1].");
    }

    /// <summary>A constant one-hot [N, k] matrix for <paramref name="labels"/>, on <paramref name="like"/>'s tape.</summary>
    internal static Var<T> OneHot<T>(Var<T> like, ReadOnlySpan<int> labels, string loss) where T : IFloatingPointIeee754<T>
    {
        var s = like.Shape;
        if (s.Rank != 2) throw new ArgumentException($"{loss} needs outputs of shape [N, classes]; got {s}.");
        if (labels.Length != s[0]) throw new ArgumentException($"{loss}: {labels.Length} labels for a batch of {s[0]} rows (output shape {s}).");
        int k = s[1];
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)k)
                throw new ArgumentOutOfRangeException(nameof(labels), $"{loss}: label {labels[i]} at index {i} is outside 0..{k - 1}.");
        var oneHot = like.Section.NewConstant(s, out var m);
        m.Clear();
        for (int i = 0; i < labels.Length; i++) m[i * k + labels[i]] = T.One;
        return oneHot;
    }
}
