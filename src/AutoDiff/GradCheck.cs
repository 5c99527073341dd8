using System.Globalization;

namespace AutoDiff;

/// <summary>Settings for <see cref="GradCheck"/>.</summary>
public sealed record GradCheckOptions
{
    /// <summary>Step h of the central difference <c>(f(x+h) − f(x−h)) / 2h</c>; default 1e-6.</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>Absolute tolerance: a check passes when <c>|analytic − numeric| ≤ atol + rtol·|numeric|</c>; default 1e-5.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-5;

    /// <summary>Relative tolerance; default 1e-3.</summary>
    public double RelativeTolerance { get; init; } = 1e-3;

    /// <summary>Inputs with at most this many elements in all are checked element by element; larger ones in random directions. Default 64.</summary>
    public int MaxElementwise { get; init; } = 64;

    /// <summary>Number of random directions for large inputs; default 8.</summary>
    public int Directions { get; init; } = 8;

    /// <summary>Seed for the random directions and for the random seed vector of a non-scalar output.</summary>
    public int Seed { get; init; } = 12345;

    /// <summary>The defaults.</summary>
    public static GradCheckOptions Default { get; } = new();
}

/// <summary>What <see cref="GradCheck"/> found: the worst absolute and relative errors and where they occurred.</summary>
/// <param name="Passed">True when every check was within tolerance.</param>
/// <param name="MaxAbsoluteError">The largest <c>|analytic − numeric|</c>.</param>
/// <param name="MaxRelativeError">The largest <c>|analytic − numeric| / max(|analytic|, |numeric|)</c> (0 where both are 0).</param>
/// <param name="WorstLocation">Where the worst failure (or the largest absolute error, if none failed) occurred, e.g. "input 1, element [2, 0]".</param>
/// <param name="Analytic">The analytic value at that location.</param>
/// <param name="Numeric">The numeric value at that location.</param>
/// <param name="Checks">How many comparisons were made.</param>
public sealed record GradCheckResult(bool Passed, double MaxAbsoluteError, double MaxRelativeError, string WorstLocation,
    double Analytic, double Numeric, int Checks)
{
    /// <summary>Throws <see cref="GradCheckException"/> with this report unless <see cref="Passed"/>.</summary>
    public GradCheckResult ThrowIfFailed() => Passed ? this : throw new GradCheckException(this);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(Passed ? "passed" : "FAILED")}: {Checks} checks, max abs error {MaxAbsoluteError:G3}, max rel error {MaxRelativeError:G3}; worst at {WorstLocation} (analytic {Analytic:G10}, numeric {Numeric:G10})");
}

/// <summary>Thrown by <see cref="GradCheckResult.ThrowIfFailed"/>.</summary>
public sealed class GradCheckException(GradCheckResult result) : Exception("Gradient check " + result)
{
    /// <summary>The failed result.</summary>
    public GradCheckResult Result { get; } = result;
}

/// <summary>
/// Compares reverse-mode gradients with central finite differences in float64, like PyTorch's
/// <c>gradcheck</c> (element by element, for small inputs) and JAX's <c>check_grads</c> (for large
/// inputs: in random directions u, <c>⟨u, Jᵀv⟩</c> against <c>(L(x+hu) − L(x−hu)) / 2h</c>).
/// A non-scalar output is reduced to <c>L = ⟨v, f(x)⟩</c> with a fixed random v.
/// </summary>
public static class GradCheck
{
    /// <summary>Checks the gradient of a scalar function of scalars at <paramref name="x"/>.</summary>
    public static GradCheckResult Check(Func<Tape, Scalar[], Scalar> f, double[] x, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        var inputs = new[] { new Tensor<double>((double[])x.Clone(), new Shape(x.Length)) };
        return Run(inputs, options ?? GradCheckOptions.Default, Evaluate);

        (double Loss, double[][]? Grads) Evaluate(Tape tape, Tensor<double>[] at, bool withGrad)
        {
            var vars = tape.Variables(at[0].Data);
            var y = f(tape, vars);
            if (!withGrad) return (y.Value, null);
            tape.Backward(y);
            return (y.Value, [vars.Select(v => v.Grad).ToArray()]);
        }
    }

    /// <summary>Checks the gradient of a tensor function with respect to every input, at <paramref name="inputs"/>.</summary>
    public static GradCheckResult Check(Func<Tape, Var<double>[], Var<double>> f, Tensor<double>[] inputs, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Any(i => i is null)) throw new ArgumentNullException(nameof(inputs), "An input tensor is null.");
        var opts = options ?? GradCheckOptions.Default;
        double[]? v = null;
        return Run(inputs.Select(i => i.Clone()).ToArray(), opts, Evaluate);

        (double Loss, double[][]? Grads) Evaluate(Tape tape, Tensor<double>[] at, bool withGrad)
        {
            var vars = at.Select(tape.Track).ToArray();
            var y = f(tape, vars);
            var yv = y.Value;
            if (v is null || v.Length != yv.Length)
            {
                if (yv.Length == 1) v = [1.0];
                else
                {
                    var rng = new Random(opts.Seed ^ 0x5eed);
                    v = new double[yv.Length];
                    for (int i = 0; i < v.Length; i++) v[i] = rng.NextDouble() * 2 - 1;
                }
            }
            double loss = 0;
            for (int i = 0; i < yv.Length; i++) loss += v[i] * yv[i];
            if (!withGrad) return (loss, null);
            if (yv.Length == 1) tape.Backward(y); else tape.Backward(y, new Tensor<double>(v, y.Shape));
            return (loss, vars.Select(x => x.Grad.ToArray()).ToArray());
        }
    }

    /// <summary>
    /// Checks the gradient of a loss with respect to model parameters (for example an
    /// <see cref="Nn.Mlp{T}"/>'s): <paramref name="loss"/> records the forward pass on the tape it is
    /// given, tracking the parameters through <see cref="Nn.Parameter{T}.On"/>. The parameters are
    /// perturbed in place and restored.
    /// </summary>
    public static GradCheckResult Check(Func<Tape, Var<double>> loss, IReadOnlyList<Nn.Parameter<double>> parameters, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(parameters);
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i] is null) throw new ArgumentNullException(nameof(parameters), $"Parameter {i} is null.");
        return Run(parameters.Select(p => p.Value).ToArray(), options ?? GradCheckOptions.Default, Evaluate);

        (double Loss, double[][]? Grads) Evaluate(Tape tape, Tensor<double>[] at, bool withGrad)
        {
            var y = loss(tape);
            if (y.Shape.Length != 1) throw new ArgumentException($"The loss must have one element; it has shape {y.Shape}.", nameof(loss));
            if (!withGrad) return (y.Item, null);
            tape.Backward(y);
            return (y.Item, parameters.Select(p => p.Grad.ToArray()).ToArray());
        }
    }

    private delegate (double Loss, double[][]? Grads) Evaluator(Tape tape, Tensor<double>[] at, bool withGrad);

    private static GradCheckResult Run(Tensor<double>[] inputs, GradCheckOptions o, Evaluator evaluate)
    {
        Validate(o);
        var tape = new Tape();
        var (_, grads) = evaluate(tape, inputs, true);
        int total = inputs.Sum(i => i.Length);
        var worst = new Worst();
        double h = o.Epsilon;

        double LossAt()
        {
            tape.Reset();
            return evaluate(tape, inputs, false).Loss;
        }

        if (total <= o.MaxElementwise)
        {
            for (int k = 0; k < inputs.Length; k++)
                for (int j = 0; j < inputs[k].Length; j++)
                {
                    var data = inputs[k].Span;
                    double x0 = data[j];
                    data[j] = x0 + h; double up = LossAt();
                    data[j] = x0 - h; double down = LossAt();
                    data[j] = x0;
                    worst.Add((up - down) / (2 * h), grads![k][j], o, () => Location(inputs, k, j));
                }
        }
        else
        {
            var rng = new Random(o.Seed);
            var dirs = inputs.Select(i => new double[i.Length]).ToArray();
            var origin = inputs.Select(i => i.Data.ToArray()).ToArray();
            for (int d = 0; d < o.Directions; d++)
            {
                double analytic = 0;
                for (int k = 0; k < inputs.Length; k++)
                    for (int j = 0; j < dirs[k].Length; j++)
                    {
                        dirs[k][j] = rng.NextDouble() * 2 - 1;
                        analytic += dirs[k][j] * grads![k][j];
                    }
                MoveTo(inputs, origin, dirs, h); double up = LossAt();
                MoveTo(inputs, origin, dirs, -h); double down = LossAt();
                MoveTo(inputs, origin, dirs, 0);
                int dir = d;
                worst.Add((up - down) / (2 * h), analytic, o, () => $"random direction {dir}");
            }
        }
        return worst.Result();
    }

    // A step of 0 or NaN would make every numeric derivative NaN, and 0 directions would pass having checked nothing.
    private static void Validate(GradCheckOptions o)
    {
        if (!(double.IsFinite(o.Epsilon) && o.Epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(GradCheckOptions.Epsilon), $"GradCheck: Epsilon must be finite and positive; got {o.Epsilon}.");
        if (!(double.IsFinite(o.AbsoluteTolerance) && o.AbsoluteTolerance >= 0))
            throw new ArgumentOutOfRangeException(nameof(GradCheckOptions.AbsoluteTolerance), $"GradCheck: AbsoluteTolerance must be finite and non-negative; got {o.AbsoluteTolerance}.");
        if (!(double.IsFinite(o.RelativeTolerance) && o.RelativeTolerance >= 0))
            throw new ArgumentOutOfRangeException(nameof(GradCheckOptions.RelativeTolerance), $"GradCheck: RelativeTolerance must be finite and non-negative; got {o.RelativeTolerance}.");
        if (o.Directions < 1)
            throw new ArgumentOutOfRangeException(nameof(GradCheckOptions.Directions), $"GradCheck: Directions must be at least 1; got {o.Directions}.");
        if (o.MaxElementwise < 0)
            throw new ArgumentOutOfRangeException(nameof(GradCheckOptions.MaxElementwise), $"GradCheck: MaxElementwise must be non-negative; got {o.MaxElementwise}.");
    }

    // inputs = origin + step·dirs (step 0 restores the origin exactly)
    private static void MoveTo(Tensor<double>[] inputs, double[][] origin, double[][] dirs, double step)
    {
        for (int k = 0; k < inputs.Length; k++)
        {
            var s = inputs[k].Span;
            for (int j = 0; j < s.Length; j++) s[j] = origin[k][j] + step * dirs[k][j];
        }
    }

    private static string Location(Tensor<double>[] inputs, int k, int flat)
    {
        var dims = inputs[k].Shape.Dims;
        var idx = new int[dims.Length];
        for (int a = dims.Length - 1; a >= 0; a--) { idx[a] = flat % dims[a]; flat /= dims[a]; }
        return $"input {k}, element [{string.Join(", ", idx)}]";
    }

    private sealed class Worst
    {
        private double maxAbs, maxRel, worstScore = double.NegativeInfinity, analytic, numeric;
        private string where = "nowhere (no inputs)";
        private bool passed = true;
        private int checks;

        public void Add(double num, double ana, GradCheckOptions o, Func<string> location)
        {
            checks++;
            double abs = Math.Abs(ana - num);
            double scale = Math.Max(Math.Abs(ana), Math.Abs(num));
            double rel = scale == 0 ? 0 : abs / scale;
            bool ok = abs <= o.AbsoluteTolerance + o.RelativeTolerance * Math.Abs(num);
            if (!double.IsFinite(abs)) { ok = false; abs = rel = double.PositiveInfinity; } // NaN or ∞ never passes
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, rel);
            // The worst place: a failure beats a pass, then the larger excess over tolerance.
            double score = (ok ? 0 : 1e300) + abs - o.AbsoluteTolerance - o.RelativeTolerance * Math.Abs(num);
            if (!ok) passed = false;
            if (score > worstScore || double.IsNaN(score))
            {
                worstScore = double.IsNaN(score) ? double.PositiveInfinity : score;
                where = location();
                analytic = ana;
                numeric = num;
            }
        }

        public GradCheckResult Result() => new(passed, maxAbs, maxRel, where, analytic, numeric, checks);
    }
}
