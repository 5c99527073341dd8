namespace AutoDiff.Nn;

/// <summary>A learning rate as a function of the epoch (0-based).</summary>
public abstract record LearningRateSchedule
{
    /// <summary>The rate for <paramref name="epoch"/>.</summary>
    public abstract double At(int epoch);

    /// <summary>The same rate every epoch.</summary>
    public static LearningRateSchedule Constant(double rate) => new StepDecay(rate, 1.0, int.MaxValue);

    /// <summary><c>η₀·factorᵏ</c> with k = ⌊epoch / every⌋.</summary>
    public sealed record StepDecay(double Initial, double Factor, int Every) : LearningRateSchedule
    {
        /// <inheritdoc/>
        public override double At(int epoch) => Initial * Math.Pow(Factor, Math.Max(epoch, 0) / Math.Max(Every, 1));
    }

    /// <summary>Cosine annealing from <c>Initial</c> to <c>Final</c> over <c>Epochs</c>: <c>η = f + ½(η₀ − f)(1 + cos(π·e/E))</c>.</summary>
    public sealed record Cosine(double Initial, double Final, int Epochs) : LearningRateSchedule
    {
        /// <inheritdoc/>
        public override double At(int epoch) =>
            Final + 0.5 * (Initial - Final) * (1 + Math.Cos(Math.PI * Math.Clamp(epoch, 0, Math.Max(Epochs, 1)) / Math.Max(Epochs, 1)));
    }
}
