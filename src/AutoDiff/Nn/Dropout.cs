using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// Inverted dropout: in training, each element is kept with probability 1 − p and scaled by 1/(1 − p),
/// or set to 0, <c>y = x ⊙ m</c> with a fresh constant mask m per forward pass (so gradients flow only
/// through the kept elements); in evaluation it is the identity. The masks come from a generator
/// seeded at construction, so a run is reproducible.
/// </summary>
/// <remarks>Not thread-safe: the generator and the mask buffer belong to the layer.</remarks>
public sealed class Dropout<T> : ILayer<T> where T : IFloatingPointIeee754<T>
{
    private T[] mask = [];
    private ulong state;

    /// <summary>Drops each element with probability <paramref name="probability"/> (in [0, 1)); masks drawn from <paramref name="seed"/>.</summary>
    public Dropout(double probability, int seed)
    {
        if (!(probability >= 0 && probability < 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The dropout probability must be in [0, 1).");
        Probability = probability;
        Seed = seed;
        state = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 0x6A09E667F3BCC909UL;
    }

    /// <summary>p, the probability of dropping an element.</summary>
    public double Probability { get; }

    /// <summary>The seed the masks are drawn from.</summary>
    public int Seed { get; }

    /// <summary>True (the default) in training, where elements are dropped; false in evaluation, where the layer is the identity.</summary>
    public bool Training { get; set; } = true;

    /// <inheritdoc/>
    public void SetTraining(bool training) => Training = training;

    /// <summary>None.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <summary>Records <c>x ⊙ m</c> in training (m = 0 or 1/(1 − p)), or returns x unchanged in evaluation.</summary>
    public Var<T> Forward(Var<T> x)
    {
        if (!Training || Probability == 0) return x;
        int n = x.Shape.Length;
        if (mask.Length < n) mask = new T[n];
        T keep = T.One / T.CreateChecked(1 - Probability);
        // uniform u in [0, 1) from SplitMix64; an element is kept when u ≥ p.
        for (int i = 0; i < n; i++) mask[i] = Next() >= Probability ? keep : T.Zero;
        return x * x.Owner.Constant<T>(mask.AsSpan(0, n), x.Shape.Dims);
    }

    private double Next()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dropout(p = {Probability}, seed {Seed})";
}
