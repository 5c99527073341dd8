using Xunit;
using C = AutoDiff.Tests.WholeFunctions.Catalogue;
using T = AutoDiff.Tests.WholeFunctions.CatalogueOnTape;

namespace AutoDiff.Tests.WholeFunctions;

/// <summary>
/// A generated whole function recorded as one scalar-tape operation (<c>&lt;Name&gt;OnTape</c>, through
/// <see cref="Scalar.Function"/>): inside a larger tape program its gradient equals the same function
/// recorded op by op (<see cref="CatalogueOnTape"/>) and central differences.
/// </summary>
public class OnTapeTests
{
    [Fact]
    public void Scalars_in_a_composition_match_the_recorded_function_and_hand_values()
    {
        // g(x, y) = 2·Himmelblau(x, y) + x·y at (1, 1): ∂g/∂x = 2(−46) + 1, ∂g/∂y = 2(−38) + 1 (README's hand values)
        var (fused, fx, fy) = Sweep(tape => (tape.Variable(1.0), tape.Variable(1.0)), (x, y) => 2.0 * C.HimmelblauOnTape(x, y) + x * y);
        var (recorded, rx, ry) = Sweep(tape => (tape.Variable(1.0), tape.Variable(1.0)), (x, y) => 2.0 * T.Himmelblau(x, y) + x * y);
        Assert.Equal(213.0, fused);
        Assert.Equal(recorded, fused);
        Assert.Equal(-91.0, fx);
        Assert.Equal(-75.0, fy);
        Assert.Equal(rx, fx);
        Assert.Equal(ry, fy);
    }

    [Fact]
    public void Spans_and_scalars_match_the_recorded_function_and_central_differences()
    {
        // the MLP loss has span parameters, scalar ones and a [Constant] span: inputs laid out in parameter order
        var random = new Random(5);
        double[] p = Enumerable.Range(0, 22).Select(_ => random.NextDouble() - 0.5).ToArray();
        var input = CatalogueCases.MlpInput;

        var tape = new Tape();
        var v = p.Select(tape.Variable).ToArray();
        var fused = C.MlpLossOnTape(v[..12], v[12..16], v[16..20], v[20], input, v[21]);
        var y = fused * fused;
        double fusedValue = y.Value;
        tape.Backward(y);
        double[] fusedGrad = v.Select(s => s.Grad).ToArray();

        tape.Reset();
        v = p.Select(tape.Variable).ToArray();
        var recorded = T.MlpLoss(v[..12], v[12..16], v[16..20], v[20], input, v[21]);
        tape.Backward(recorded * recorded);
        double[] recordedGrad = v.Select(s => s.Grad).ToArray();

        Assert.Equal(recorded.Value * recorded.Value, fusedValue, 12);
        for (int k = 0; k < p.Length; k++)
        {
            Assert.Equal(recordedGrad[k], fusedGrad[k], 10);
            double h = 1e-6;
            double[] up = (double[])p.Clone(), down = (double[])p.Clone();
            up[k] += h;
            down[k] -= h;
            double central = (Square(Loss(up)) - Square(Loss(down))) / (2 * h);
            Assert.True(Math.Abs(central - fusedGrad[k]) <= 1e-6 * Math.Max(1, Math.Abs(central)), $"∂/∂p{k}: {fusedGrad[k]} against central {central}");
        }

        double Loss(double[] q) => C.MlpLoss(q.AsSpan(0, 12), q.AsSpan(12, 4), q.AsSpan(16, 4), q[20], input, q[21]);
        static double Square(double a) => a * a;
    }

    [Fact]
    public void Rosenbrock_on_tape_is_one_operation_and_matches_the_recorded_one()
    {
        double[] x = Enumerable.Range(0, 50).Select(i => 0.5 + 0.5 * Math.Sin(i)).ToArray();
        var tape = new Tape();
        var v = x.Select(tape.Variable).ToArray();
        int before = tape.ScalarCount;
        var f = C.RosenbrockOnTape(v);
        Assert.Equal(before + 1, tape.ScalarCount);
        tape.Backward(f);
        var fused = v.Select(s => s.Grad).ToArray();

        tape.Reset();
        v = x.Select(tape.Variable).ToArray();
        tape.Backward(T.Rosenbrock(v));
        for (int i = 0; i < x.Length; i++) Assert.Equal(v[i].Grad, fused[i], 1e-12 * Math.Max(1, Math.Abs(fused[i])));
    }

    [Fact]
    public void Recording_again_allocates_nothing()
    {
        double[] x = Enumerable.Range(0, 100).Select(i => Math.Cos(i)).ToArray();
        var tape = new Tape();
        var v = new Scalar[x.Length];
        void Record()
        {
            tape.Reset();
            for (int i = 0; i < x.Length; i++) v[i] = tape.Variable(x[i]);
            tape.Backward(C.RosenbrockOnTape(v) + C.HimmelblauOnTape(v[0], v[1]));
        }
        Record();
        Record();
        long start = GC.GetAllocatedBytesForCurrentThread();
        Record();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - start);
    }

    [Fact]
    public void No_inputs_at_all_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => C.RosenbrockOnTape(ReadOnlySpan<Scalar>.Empty));
        Assert.Contains("Rosenbrock", e.Message);
    }

    private static (double Value, double Dx, double Dy) Sweep(Func<Tape, (Scalar, Scalar)> leaves, Func<Scalar, Scalar, Scalar> f)
    {
        var tape = new Tape();
        var (x, y) = leaves(tape);
        var g = f(x, y);
        tape.Backward(g);
        return (g.Value, x.Grad, y.Grad);
    }
}
