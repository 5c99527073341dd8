using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// Losses averaged over the batch (the empirical risk <c>Loss = 1/N Σᵢ div(Yᵢ, dᵢ)</c>), each a
/// composition of tape operations, so their gradients come from the chain rule. Outputs and targets
/// are [N, k] (or [N] for one output per sample); axis 0 is the batch, and N is always its length.
/// </summary>
/// <remarks>
/// <para>The names are the usual ones (PyTorch, Keras). The lecture this library starts from calls the
/// cross-entropy against a one-hot or 0/1 target the "KL divergence" (the two are equal for such
/// targets, whose entropy is 0): its binary KL is <see cref="BinaryCrossEntropy{T}"/>, its multiclass
/// KL is <see cref="CrossEntropy{T}(Var{T}, ReadOnlySpan{int})"/>, and its L2 divergence ½‖Y − d‖² is
/// <see cref="L2{T}"/>. <see cref="KL{T}"/> here is the general KL divergence, which also subtracts the
/// target's entropy.</para>
/// <para>Compared with PyTorch: <see cref="CrossEntropyFromLogits{T}(Var{T}, ReadOnlySpan{int})"/> =
/// <c>cross_entropy(z, labels)</c>; <see cref="BinaryCrossEntropyFromLogits{T}"/> ×
/// (elements per sample) = <c>binary_cross_entropy_with_logits(z, d)</c> (which averages over every
/// element, not over samples); <see cref="MeanSquaredError{T}"/> = <c>mse_loss(y, d)</c>;
/// <see cref="L2{T}"/> = <c>mse_loss(y, d)</c> × k / 2 for k outputs per sample;
/// <see cref="KLFromLogits{T}"/> = <c>kl_div(log_softmax(z), d, reduction="batchmean")</c>.</para>
/// </remarks>
public static class Losses
{
    /// <summary>
    /// The lecture's L2 divergence: <c>L = (1/N) Σᵢ ½‖yᵢ − dᵢ‖²</c>, the squared error summed over each
    /// sample's outputs, halved, then averaged over the N samples (not over all elements: that is
    /// <see cref="MeanSquaredError{T}"/>). <c>∂L/∂y = (y − d)/N</c>.
    /// </summary>
    public static Var<T> L2<T>(Var<T> y, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("L2", y, d);
        return (y - d).Square().Sum() * (T.CreateChecked(0.5) / BatchSize(y));
    }

    /// <summary>
    /// Mean squared error over every element, as in PyTorch's <c>mse_loss</c>:
    /// <c>L = (1/M) Σ (y − d)²</c> where M is the number of elements of y. <c>∂L/∂y = 2(y − d)/M</c>.
    /// </summary>
    public static Var<T> MeanSquaredError<T>(Var<T> y, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("MeanSquaredError", y, d);
        _ = BatchSize(y);
        return (y - d).Square().Sum() / T.CreateChecked(y.Shape.Length);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities y (a sigmoid output), summed over each sample's outputs and
    /// averaged over the batch: <c>L = −(1/N) Σ [d log y + (1−d) log(1−y)]</c>; the lecture's binary KL.
    /// Targets d must lie in [0, 1]. Probabilities of exactly 0 or 1 stay finite (log is taken of at least
    /// the smallest normal number); prefer <see cref="BinaryCrossEntropyFromLogits{T}"/>, which is exact there.
    /// </summary>
    public static Var<T> BinaryCrossEntropy<T>(Var<T> y, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("BinaryCrossEntropy", y, d);
        CheckProbabilities("BinaryCrossEntropy target", d.Value);
        var perElement = d * SafeLog(y) + (T.One - d) * SafeLog(T.One - y);
        return -perElement.Sum() / BatchSize(y);
    }

    /// <summary>
    /// Binary cross-entropy on logits z (y = σ(z)), summed over each sample's outputs and averaged over the
    /// batch: <c>L = (1/N) Σ [softplus(z) − d·z]</c>, computed as <c>max(z, 0) − d·z + log(1 + e^{−|z|})</c>
    /// so it is finite for any finite logit. <c>∂L/∂z = (σ(z) − d)/N</c>. Targets d must lie in [0, 1].
    /// </summary>
    public static Var<T> BinaryCrossEntropyFromLogits<T>(Var<T> z, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("BinaryCrossEntropyFromLogits", z, d);
        CheckProbabilities("BinaryCrossEntropyFromLogits target", d.Value);
        var abs = Var.Max(z, -z);
        var perElement = Var.Max(z, T.Zero) - d * z + ((-abs).Exp() + T.One).Log();
        return perElement.Sum() / BatchSize(z);
    }

    /// <summary>
    /// Cross-entropy against integer labels on probabilities y [N, k] (a softmax output):
    /// <c>L = −(1/N) Σᵢ log yᵢ,cᵢ</c>; the lecture's multiclass KL. A label outside 0..k−1 is refused
    /// naming its index. Prefer <see cref="CrossEntropyFromLogits{T}(Var{T}, ReadOnlySpan{int})"/>.
    /// </summary>
    public static Var<T> CrossEntropy<T>(Var<T> y, ReadOnlySpan<int> labels) where T : IFloatingPointIeee754<T>
        => -(OneHot(y, labels, "CrossEntropy") * SafeLog(y)).Sum() / BatchSize(y);

    /// <summary>
    /// Cross-entropy against integer labels on logits z [N, k]: <c>L = −(1/N) Σᵢ log softmax(zᵢ)_cᵢ</c>,
    /// built on log-softmax (finite for any finite logits). <c>∂L/∂z = (softmax(z) − onehot)/N</c>.
    /// </summary>
    public static Var<T> CrossEntropyFromLogits<T>(Var<T> z, ReadOnlySpan<int> labels) where T : IFloatingPointIeee754<T>
        => -(OneHot(z, labels, "CrossEntropyFromLogits") * z.LogSoftmax()).Sum() / BatchSize(z);

    /// <summary>
    /// Cross-entropy against probability targets d (one-hot or soft, each row summing to 1) on
    /// probabilities y: <c>L = −(1/N) Σ d log y</c>.
    /// </summary>
    public static Var<T> CrossEntropy<T>(Var<T> y, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("CrossEntropy", y, d);
        CheckProbabilities("CrossEntropy target", d.Value);
        return -(d * SafeLog(y)).Sum() / BatchSize(y);
    }

    /// <summary>
    /// Cross-entropy against probability targets d on logits z: <c>L = −(1/N) Σ d log softmax(z)</c>.
    /// <c>∂L/∂z = (softmax(z)·Σd − d)/N</c>, which is <c>(softmax(z) − d)/N</c> when each row of d sums to 1.
    /// </summary>
    public static Var<T> CrossEntropyFromLogits<T>(Var<T> z, Var<T> d) where T : IFloatingPointIeee754<T>
    {
        SameShape("CrossEntropyFromLogits", z, d);
        CheckProbabilities("CrossEntropyFromLogits target", d.Value);
        return -(d * z.LogSoftmax()).Sum() / BatchSize(z);
    }

    /// <summary>
    /// The KL divergence from y to soft targets d, on probabilities y: <c>L = (1/N) Σ d log(d/y)</c> with
    /// <c>0 log 0 = 0</c>. It is the cross-entropy minus the entropy of d, a constant: the same gradient as
    /// <see cref="CrossEntropy{T}(Var{T}, Var{T})"/>, but zero when y = d (the cross-entropy is then the
    /// entropy of d). For one-hot targets the two are equal.
    /// </summary>
    public static Var<T> KL<T>(Var<T> y, Var<T> d) where T : IFloatingPointIeee754<T> =>
        CrossEntropy(y, d) - Entropy(d);

    /// <summary>
    /// The KL divergence on logits: <c>L = (1/N) Σ d log(d / softmax(z))</c> = the cross-entropy from
    /// logits minus the entropy of d (a constant). <c>∂L/∂z</c> equals that of
    /// <see cref="CrossEntropyFromLogits{T}(Var{T}, Var{T})"/>.
    /// </summary>
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
