using System.Buffers;

namespace AutoDiff;

// The scalar forms: f is a function of n float64 scalars recorded on the scalar tape.
public static partial class Derivatives
{
    /// <summary>∇f(x) = (∂f/∂x₀, …, ∂f/∂xₙ₋₁) for a function of scalars (reverse mode).</summary>
    public static double[] Gradient(Func<Tape, Scalar[], Scalar> f, double[] x)
    {
        using var run = ScalarRun.Record(f, x, "Gradient");
        return run.Tape.Gradient(run.Y, run.X);
    }

    /// <summary>
    /// Forward mode: <c>f(x)</c> and the directional derivative <c>∇f(x)·v = d/dt f(x + t·v)</c> at t = 0, by
    /// pushing the tangent v through every recorded op with its tangent rule.
    /// </summary>
    /// <exception cref="ArgumentException">v does not have x's length.</exception>
    public static (double Value, double Tangent) Jvp(Func<Tape, Scalar[], Scalar> f, double[] x, double[] v)
    {
        CheckDirection(x, v, "Jvp", "tangent v");
        using var run = ScalarRun.Record(f, x, "Jvp");
        using (run.Tape.NoGrad())
            return (run.Y.Value, run.Tangents(v, [run.Y])[0]);
    }

    /// <summary>The Hessian <c>H[i, j] = ∂²f/∂xᵢ∂xⱼ</c>: the gradient recorded once, then one forward tangent through it per input.</summary>
    public static double[,] Hessian(Func<Tape, Scalar[], Scalar> f, double[] x)
    {
        using var run = ScalarRun.Record(f, x, "Hessian");
        var g = run.Tape.Differentiate(run.Y, run.X);
        int n = x.Length;
        var hessian = new double[n, n];
        var e = new double[n];
        using (run.Tape.NoGrad())
            for (int j = 0; j < n; j++)
            {
                e[j] = 1;
                var column = run.Tangents(e, g);
                e[j] = 0;
                for (int i = 0; i < n; i++) hessian[i, j] = column[i];
            }
        return hessian;
    }

    /// <summary>The Hessian-vector product <c>H·v</c> by forward-over-reverse (the gradient recorded on the tape, then the tangent v pushed through it).</summary>
    /// <exception cref="ArgumentException">v does not have x's length.</exception>
    public static double[] Hvp(Func<Tape, Scalar[], Scalar> f, double[] x, double[] v)
    {
        CheckDirection(x, v, "Hvp", "vector v");
        using var run = ScalarRun.Record(f, x, "Hvp");
        var g = run.Tape.Differentiate(run.Y, run.X);
        using (run.Tape.NoGrad())
            return run.Tangents(v, g);
    }

    private static void CheckDirection(double[] x, double[] v, string what, string name)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(v);
        if (v.Length != x.Length)
            throw new ArgumentException($"{what}: the {name} has {v.Length} element(s) but x has {x.Length}; they must have the same length.", nameof(v));
    }

    /// <summary>One recording of a scalar f at x on a per-thread tape.</summary>
    private readonly struct ScalarRun : IDisposable
    {
        public readonly Tape Tape;
        public readonly Scalar[] X;
        public readonly Scalar Y;

        private ScalarRun(Tape tape, Scalar[] x, Scalar y) => (Tape, X, Y) = (tape, x, y);

        public static ScalarRun Record(Func<Tape, Scalar[], Scalar> f, double[] x, string what)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentNullException.ThrowIfNull(x);
            var tape = TapePool.Rent();
            try
            {
                var xs = tape.Variables(x);
                var y = f(tape, xs);
                try { tape.Scalars.Check(y, "The value f returned"); }
                catch (InvalidOperationException e) { throw new ArgumentException($"{what}: {e.Message} Return a value recorded on the tape f is given.", nameof(f)); }
                return new ScalarRun(tape, xs, y);
            }
            catch
            {
                TapePool.Return(tape);
                throw;
            }
        }

        /// <summary>The tangents of <paramref name="outputs"/> for the tangent <paramref name="v"/> of x; scratch nodes are dropped.</summary>
        public double[] Tangents(double[] v, Scalar[] outputs)
        {
            var s = Tape.Scalars;
            var mark = s.Mark();
            var seeds = new int[X.Length];
            var dots = new Scalar[X.Length];
            for (int k = 0; k < X.Length; k++)
            {
                seeds[k] = X[k].Index;
                dots[k] = Tape.Constant(v[k]);
            }
            var tangents = s.PushTangents(seeds, dots, outputs.Select(o => o.Index).ToArray());
            try
            {
                var result = new double[outputs.Length];
                for (int k = 0; k < outputs.Length; k++) result[k] = tangents[outputs[k].Index].IsDefault ? 0.0 : tangents[outputs[k].Index].Value;
                return result;
            }
            finally
            {
                ArrayPool<Scalar>.Shared.Return(tangents, clearArray: true);
                s.Truncate(mark);
            }
        }

        public void Dispose() => TapePool.Return(Tape);
    }
}
