namespace AutoDiff.NewtonDigits;

/// <summary>One Newton iteration's record: objective after it, gradient norm before it, CG steps taken, step length, the new iterate.</summary>
public sealed record NewtonStep(int Iteration, double Objective, double GradientNorm, int CgIterations, double StepLength, Tensor<double> X);

/// <summary>
/// Truncated Newton (Newton-CG, Nocedal &amp; Wright §7.1): each iteration solves <c>H·p = −g</c> by conjugate
/// gradients that only ever ask for Hessian-vector products (<see cref="Derivatives.Hvp{T}"/>,
/// forward-over-reverse), stopping at relative residual <c>min(½, √‖g‖)</c> or on negative curvature,
/// then takes the step with a backtracking (Armijo) line search. H is never formed.
/// </summary>
public static class NewtonCg
{
    /// <param name="f">The objective, recorded on the tape it is given.</param>
    /// <param name="x0">The starting point (not changed).</param>
    /// <param name="iterations">At most this many Newton iterations.</param>
    /// <param name="maxCg">At most this many Hessian-vector products per iteration.</param>
    /// <param name="gradientTolerance">Stop once ‖∇f‖ is below this.</param>
    /// <param name="onStep">Called after each iteration; return false to stop there.</param>
    public static Tensor<double> Minimize(Func<Tape, Var<double>, Var<double>> f, Tensor<double> x0, int iterations, int maxCg,
        double gradientTolerance = 1e-6, Func<NewtonStep, bool>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x0);
        var x = x0.Clone();
        int n = x.Length;
        for (int k = 1; k <= iterations; k++)
        {
            var g = Derivatives.Gradient(f, x).Data;
            double gNorm = Math.Sqrt(Dot(g, g));
            if (gNorm < gradientTolerance) break;
            double tolerance = Math.Min(0.5, Math.Sqrt(gNorm)) * gNorm;
            // CG on H p = −g from p = 0
            var p = new double[n];
            var r = g.Select(v => -v).ToArray();
            var d = (double[])r.Clone();
            double rr = Dot(r, r);
            int cg = 0;
            while (cg < maxCg && Math.Sqrt(rr) > tolerance)
            {
                var hd = Derivatives.Hvp(f, x, new Tensor<double>(d, x.Shape)).Data;
                double curvature = Dot(d, hd);
                cg++;
                if (curvature <= 0)
                {
                    if (cg == 1) p = (double[])d.Clone(); // steepest descent when the first direction already has negative curvature
                    break;
                }
                double alpha = rr / curvature;
                for (int i = 0; i < n; i++) { p[i] += alpha * d[i]; r[i] -= alpha * hd[i]; }
                double next = Dot(r, r);
                for (int i = 0; i < n; i++) d[i] = r[i] + next / rr * d[i];
                rr = next;
            }
            // Armijo backtracking from the full Newton step
            double f0 = Value(f, x), slope = Dot(g, p), step = 1;
            Tensor<double> candidate;
            while (true)
            {
                candidate = x.Clone();
                for (int i = 0; i < n; i++) candidate.Span[i] += step * p[i];
                if (Value(f, candidate) <= f0 + 1e-4 * step * slope || step < 1e-8) break;
                step /= 2;
            }
            x = candidate;
            if (onStep is not null && !onStep(new NewtonStep(k, Value(f, x), gNorm, cg, step, x))) break;
        }
        return x;
    }

    private static double Value(Func<Tape, Var<double>, Var<double>> f, Tensor<double> x)
    {
        var tape = new Tape();
        using (tape.NoGrad()) return f(tape, tape.Constant(x)).Item;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
}
