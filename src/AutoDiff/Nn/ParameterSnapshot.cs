using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>
/// A copy of parameters' values to go back to: early stopping and "keep the best model". The
/// constructor captures the current values; <see cref="Capture"/> overwrites the copy (allocating
/// nothing), <see cref="Restore"/> writes it back into the parameters.
/// </summary>
/// <example>
/// <code>
/// var best = new ParameterSnapshot&lt;float&gt;(mlp.Parameters);
/// double bestLoss = double.PositiveInfinity;
/// for (int epoch = 0; epoch &lt; epochs; epoch++)
/// {
///     Train(mlp);
///     double loss = ValidationLoss(mlp);
///     if (loss &lt; bestLoss) { bestLoss = loss; best.Capture(); }
/// }
/// best.Restore();
/// </code>
/// </example>
/// <remarks>Not thread-safe: it reads and writes the parameters' values in place.</remarks>
public sealed class ParameterSnapshot<T> where T : IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] parameters;
    private readonly T[][] values;

    /// <summary>A snapshot of <paramref name="parameters"/> as they are now.</summary>
    public ParameterSnapshot(IReadOnlyList<Parameter<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i] is null) throw new ArgumentNullException(nameof(parameters), $"Parameter {i} is null.");
        this.parameters = [.. parameters];
        values = this.parameters.Select(p => p.Value.Data.ToArray()).ToArray();
    }

    /// <summary>Number of times <see cref="Capture"/> was called after the constructor.</summary>
    public int Captures { get; private set; }

    /// <summary>Replaces the copy with the parameters' current values.</summary>
    public void Capture()
    {
        for (int i = 0; i < parameters.Length; i++) parameters[i].Value.Span.CopyTo(values[i]);
        Captures++;
    }

    /// <summary>Writes the copy back into the parameters (the snapshot keeps it: restore as often as needed).</summary>
    public void Restore()
    {
        for (int i = 0; i < parameters.Length; i++) values[i].CopyTo(parameters[i].Value.Span);
    }
}
