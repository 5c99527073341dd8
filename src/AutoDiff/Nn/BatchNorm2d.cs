using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// Batch normalisation over the channels of [N, C, H, W] (Ioffe &amp; Szegedy; PyTorch's BatchNorm2d):
/// <c>y = γ·(x − μ)/√(σ² + ε) + β</c> per channel. In training, μ and σ² are the batch's mean and
/// (biased) variance over N, H and W, recorded as tape operations so the gradient flows through them,
/// and the running estimates are updated: <c>μ_run ← (1 − m)·μ_run + m·μ</c>,
/// <c>σ²_run ← (1 − m)·σ²_run + m·σ²·M/(M − 1)</c> (the unbiased variance, M = N·H·W). In evaluation the
/// running estimates are used as constants.
/// </summary>
/// <remarks>Not thread-safe: the running statistics and buffers belong to the layer.</remarks>
public sealed class BatchNorm2d<T> : ILayer<T> where T : IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] parameters;
    private readonly T[] scale, shift;

    /// <summary>γ = 1, β = 0, running mean 0 and variance 1 for <paramref name="channels"/> channels.</summary>
    public BatchNorm2d(int channels, double epsilon = 1e-5, double momentum = 0.1, string name = "batchnorm")
        : this(Tensor.Full(T.One, channels), Tensor.Zeros<T>(channels), Tensor.Zeros<T>(channels), Tensor.Full(T.One, channels), epsilon, momentum, name) { }

    /// <summary>A layer with the given γ, β and running statistics, each [C].</summary>
    public BatchNorm2d(Tensor<T> gamma, Tensor<T> beta, Tensor<T> runningMean, Tensor<T> runningVariance, double epsilon = 1e-5, double momentum = 0.1, string name = "batchnorm")
    {
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVariance);
        if (gamma.Shape.Rank != 1 || gamma.Length < 1) throw new ArgumentException($"{name}: γ must be [C] with C ≥ 1; its shape is {gamma.Shape}.", nameof(gamma));
        foreach (var (t, what) in new[] { (beta, "β"), (runningMean, "the running mean"), (runningVariance, "the running variance") })
            if (t.Shape != gamma.Shape) throw new ShapeMismatchException(name, gamma.Shape, t.Shape, $"{what} must have γ's shape");
        if (!(epsilon > 0 && double.IsFinite(epsilon))) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite.");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must be in [0, 1].");
        Gamma = new Parameter<T>(name + ".weight", gamma);
        Beta = new Parameter<T>(name + ".bias", beta);
        RunningMean = runningMean;
        RunningVariance = runningVariance;
        (Epsilon, Momentum) = (epsilon, momentum);
        parameters = [Gamma, Beta];
        scale = new T[gamma.Length];
        shift = new T[gamma.Length];
    }

    /// <summary>γ [C], the per-channel scale.</summary>
    public Parameter<T> Gamma { get; }

    /// <summary>β [C], the per-channel shift.</summary>
    public Parameter<T> Beta { get; }

    /// <summary>The running mean [C], updated in training.</summary>
    public Tensor<T> RunningMean { get; }

    /// <summary>The running (unbiased) variance [C], updated in training.</summary>
    public Tensor<T> RunningVariance { get; }

    /// <summary>ε, added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>m, the weight of the new batch in the running statistics.</summary>
    public double Momentum { get; }

    /// <summary>Channels C.</summary>
    public int Channels => Gamma.Value.Length;

    /// <summary>True (the default) in training: batch statistics; false in evaluation: running statistics.</summary>
    public bool Training { get; set; } = true;

    /// <inheritdoc/>
    public void SetTraining(bool training) => Training = training;

    /// <summary>γ then β.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => parameters;

    /// <summary>Records the normalisation of x [N, C, H, W] on its tape.</summary>
    public Var<T> Forward(Var<T> x)
    {
        var s = x.Shape;
        if (s.Rank != 4 || s[1] != Channels)
            throw new ShapeMismatchException($"{Gamma.Name[..^7]} forward", s, Gamma.Value.Shape, $"the input must be [N, {Channels}, H, W]");
        var tape = x.Owner;
        int n = s[0], c = s[1], hw = s[2] * s[3], m = n * hw;
        var x3 = x.Reshape(n, c, hw);
        var gamma = Gamma.On(tape).Reshape(c, 1);
        var beta = Beta.On(tape).Reshape(c, 1);
        if (!Training)
        {
            // y = x·(γ/√(σ²_run + ε)) + (β − μ_run·γ/√(σ²_run + ε)), with the running statistics as constants.
            for (int k = 0; k < c; k++)
            {
                scale[k] = T.One / T.Sqrt(RunningVariance.Span[k] + T.CreateChecked(Epsilon));
                shift[k] = -RunningMean.Span[k] * scale[k];
            }
            var a = gamma * tape.Constant<T>(scale, c, 1);
            return (x3 * a + (tape.Constant<T>(shift, c, 1) * gamma + beta)).Reshape(s.Dims);
        }
        if (m < 2) throw new InvalidOperationException($"{Gamma.Name[..^7]}: batch statistics need more than one value per channel; the input is {s}.");
        T count = T.CreateChecked(m);
        var mean = x3.Sum(2).Sum(0).Reshape(c, 1) / count;
        var centered = x3 - mean;
        var variance = (centered * centered).Sum(2).Sum(0).Reshape(c, 1) / count;
        var inverse = ((variance + T.CreateChecked(Epsilon)).Log() * T.CreateChecked(-0.5)).Exp(); // 1/√(σ² + ε)
        UpdateRunning(mean.Value, variance.Value, m);
        return (centered * (inverse * gamma) + beta).Reshape(s.Dims);
    }

    private void UpdateRunning(ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, int m)
    {
        T mom = T.CreateChecked(Momentum), unbiased = T.CreateChecked(m / (double)(m - 1));
        var rm = RunningMean.Span;
        var rv = RunningVariance.Span;
        for (int k = 0; k < rm.Length; k++)
        {
            rm[k] = (T.One - mom) * rm[k] + mom * mean[k];
            rv[k] = (T.One - mom) * rv[k] + mom * variance[k] * unbiased;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"BatchNorm2d({Channels}, ε {Epsilon}, momentum {Momentum})";
}
