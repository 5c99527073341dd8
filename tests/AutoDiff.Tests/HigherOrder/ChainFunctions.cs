namespace AutoDiff.Tests.HigherOrder;

/// <summary>
/// A polynomial <c>p(x) = Σ cₖ xᵏ</c> as an element-wise function whose <see cref="Derivative"/> is the
/// derivative polynomial: a hand-written chain f, f′, f″, … that never ends (the last one is 0).
/// </summary>
public sealed class Polynomial(string name, params double[] coefficients) : ElementwiseFunction<double>
{
    public override string Name => name;

    public double At(double x)
    {
        double y = 0;
        for (int k = coefficients.Length - 1; k >= 0; k--) y = y * x + coefficients[k];
        return y;
    }

    public override void Forward(ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = At(x[i]);
    }

    public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
    {
        var d = (Polynomial)Derivative;
        for (int i = 0; i < x.Length; i++) dx[i] += dy[i] * d.At(x[i]);
    }

    public override ElementwiseFunction<double> Derivative =>
        new Polynomial(name + "′", coefficients.Length <= 1 ? [0.0] : coefficients.Skip(1).Select((c, k) => c * (k + 1)).ToArray());
}

/// <summary>sin with the chain sin → cos → −sin → −cos → sin …, for the scalar tape's Unary.</summary>
public sealed class SineChain(int shift = 0) : ElementwiseFunction<double>
{
    public override string Name => $"sin^({shift})";

    private double At(double x, int k) => ((shift + k) % 4) switch { 0 => Math.Sin(x), 1 => Math.Cos(x), 2 => -Math.Sin(x), _ => -Math.Cos(x) };

    public override void Forward(ReadOnlySpan<double> x, Span<double> y) { for (int i = 0; i < x.Length; i++) y[i] = At(x[i], 0); }

    public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
    { for (int i = 0; i < x.Length; i++) dx[i] += dy[i] * At(x[i], 1); }

    public override ElementwiseFunction<double> Derivative => new SineChain(shift + 1);

    /// <summary>sin x on the scalar tape, carrying this chain.</summary>
    public static Scalar Sin(Scalar x) => Scalar.Unary(x, Math.Sin(x.Value), Math.Cos(x.Value), new SineChain());
}
