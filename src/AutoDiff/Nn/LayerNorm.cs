using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// Layer normalisation (Ba, Kiros &amp; Hinton; PyTorch's LayerNorm): over the trailing dimensions given
/// by the normalised shape, <c>y = γ ⊙ (x − μ)/√(σ² + ε) + β</c> with μ and σ² (biased) the mean and
/// variance of each sample's trailing block, recorded as tape operations; γ and β have the normalised
/// shape. The same in training and evaluation.
/// </summary>
public sealed class LayerNorm<T> : ILayer<T> where T : IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] parameters;
    private readonly int[] normalized;

    /// <summary>Normalises over trailing dimensions <paramref name="normalizedShape"/>; γ = 1, β = 0.</summary>
    public LayerNorm(int[] normalizedShape, double epsilon = 1e-5, string name = "layernorm")
        : this(Tensor.Full(T.One, normalizedShape), Tensor.Zeros<T>(normalizedShape), epsilon, name) { }

    /// <summary>A layer with the given γ and β, whose (equal) shape is the normalised shape.</summary>
    public LayerNorm(Tensor<T> gamma, Tensor<T> beta, double epsilon = 1e-5, string name = "layernorm")
    {
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        if (gamma.Shape.Rank < 1 || gamma.Length < 1) throw new ArgumentException($"{name}: the normalised shape must have at least one dimension and one element; γ is {gamma.Shape}.", nameof(gamma));
        if (beta.Shape != gamma.Shape) throw new ShapeMismatchException(name, gamma.Shape, beta.Shape, "β must have γ's shape");
        if (!(epsilon > 0 && double.IsFinite(epsilon))) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite.");
        Gamma = new Parameter<T>(name + ".weight", gamma);
        Beta = new Parameter<T>(name + ".bias", beta);
        Epsilon = epsilon;
        normalized = gamma.Shape.Dims.ToArray();
        parameters = [Gamma, Beta];
    }

    /// <summary>γ, with the normalised shape.</summary>
    public Parameter<T> Gamma { get; }

    /// <summary>β, with the normalised shape.</summary>
    public Parameter<T> Beta { get; }

    /// <summary>ε, added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>The trailing dimensions normalised over.</summary>
    public Shape NormalizedShape => Gamma.Value.Shape;

    /// <summary>γ then β.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => parameters;

    /// <summary>Records the normalisation of x, whose trailing dimensions must equal <see cref="NormalizedShape"/>.</summary>
    public Var<T> Forward(Var<T> x)
    {
        var s = x.Shape;
        if (s.Rank < normalized.Length || !s.Dims[(s.Rank - normalized.Length)..].SequenceEqual(normalized))
            throw new ShapeMismatchException($"{Gamma.Name[..^7]} forward", s, NormalizedShape, $"the input's trailing dimensions must be {NormalizedShape}");
        var tape = x.Owner;
        int inner = Gamma.Value.Length, rows = s.Length / inner;
        T count = T.CreateChecked(inner);
        var x2 = x.Reshape(rows, inner);
        var centered = x2 - x2.Sum(1, keepDims: true) / count;
        var variance = (centered * centered).Sum(1, keepDims: true) / count;
        var inverse = ((variance + T.CreateChecked(Epsilon)).Log() * T.CreateChecked(-0.5)).Exp(); // 1/√(σ² + ε)
        var y = centered * inverse * Gamma.On(tape).Reshape(inner) + Beta.On(tape).Reshape(inner);
        return y.Reshape(s.Dims);
    }

    /// <inheritdoc/>
    public override string ToString() => $"LayerNorm({NormalizedShape}, ε {Epsilon})";
}
