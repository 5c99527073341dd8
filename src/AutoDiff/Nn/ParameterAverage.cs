using System.Numerics;
using System.Numerics.Tensors;

namespace AutoDiff.Nn;

/// <summary>
/// An exponential moving average of parameters (Polyak averaging): after each optimiser step,
/// <c>w̄ ← β·w̄ + (1 − β)·w</c>. Evaluating with the averaged weights smooths out the noise of the last
/// mini-batch steps. <see cref="Swap"/> exchanges live and averaged values in place.
/// </summary>
/// <remarks>Not thread-safe: it reads and writes the parameters' values in place.</remarks>
public sealed class ParameterAverage<T> where T : IFloatingPointIeee754<T>
{
    private readonly IReadOnlyList<Parameter<T>> parameters;
    private readonly T[][] average;

    /// <summary>Starts the average at the parameters' current values; <paramref name="decay"/> β must be in [0, 1).</summary>
    public ParameterAverage(IReadOnlyList<Parameter<T>> parameters, double decay = 0.999)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(decay >= 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), $"The decay must be in [0, 1); got {decay}.");
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i] is null) throw new ArgumentNullException(nameof(parameters), $"Parameter {i} is null.");
        this.parameters = parameters;
        Decay = decay;
        average = parameters.Select(p => p.Value.Data.ToArray()).ToArray();
    }

    /// <summary>β, the weight of the old average.</summary>
    public double Decay { get; }

    /// <summary>Folds the parameters' current values into the average.</summary>
    public void Update()
    {
        T beta = T.CreateChecked(Decay);
        for (int i = 0; i < average.Length; i++)
        {
            // w̄ = β·w̄ + (1 − β)·w = w + β·(w̄ − w)
            var w = parameters[i].Value.Span;
            var a = average[i].AsSpan();
            TensorPrimitives.Subtract(a, w, a);
            TensorPrimitives.MultiplyAdd(a, beta, w, a);
        }
    }

    /// <summary>Exchanges the live values and the averaged ones (call twice to restore).</summary>
    public void Swap()
    {
        for (int i = 0; i < average.Length; i++)
        {
            var w = parameters[i].Value.Span;
            var a = average[i].AsSpan();
            for (int j = 0; j < w.Length; j++) (w[j], a[j]) = (a[j], w[j]);
        }
    }
}
