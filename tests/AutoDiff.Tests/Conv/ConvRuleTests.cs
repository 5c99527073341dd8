using AutoDiff.FsCheck;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>
/// The gradient-table rows of the convolution and pooling primitives (Conv2d, Conv2dInput, Conv2dWeight,
/// MaxPool2d, MaxUnpool2d, AvgPool2d, AvgUnpool2d), one row each, each an FsCheck property over random
/// sizes, attributes and values that
/// <list type="number">
/// <item>the fused first-order kernel equals the row's VJP recorded in tape operations (<c>Differentiate</c>);</item>
/// <item>the row's tangent rule (forward mode, <see cref="Derivatives.Jvp{T}"/>) matches central differences;</item>
/// <item>the second derivative, which goes through the VJPs' own rows, matches central differences of the first.</item>
/// </list>
/// </summary>
public class ConvRuleTests
{
    /// <summary>A primitive applied to inputs of the generated shapes (the attributes ride along in the closure).</summary>
    public sealed record Row(string Name, Gen<(Shape[] Shapes, Func<Var<double>[], Var<double>> F)> Cases, bool Distinct = false);

    private static Gen<int[]> Ints(params (int Min, int Max)[] ranges) =>
        ranges.Aggregate(Gen.Constant(Array.Empty<int>()), (g, r) => g.SelectMany(a => Gen.Choose(r.Min, r.Max).Select(v => (int[])[.. a, v])));

    /// <summary>Random convolution geometries: x, w and y shapes and the packed attributes.</summary>
    private static Gen<(Shape X, Shape W, Shape Y, int Axis, int Offset)> Geometries() =>
        Ints((1, 2), (1, 2), (1, 2), (1, 3), (1, 3), (1, 3), (0, 2), (1, 2), (1, 2), (0, 3), (0, 3)).Select(p =>
        {
            var (n, cg, og, kh, kw, stride, padding, dilation, groups, extraH, extraW) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10]);
            int h = Math.Max(dilation * (kh - 1) + 1 - 2 * padding, 1) + extraH, w = Math.Max(dilation * (kw - 1) + 1 - 2 * padding, 1) + extraW;
            var c = new ConvCase(n, cg * groups, h, w, og * groups, kh, kw, stride, padding, dilation, groups);
            return (new Shape(c.XShape), new Shape(c.WShape), new Shape(c.YShape), stride | dilation << 16, padding | groups << 16);
        });

    private static Gen<(Shape X, int Kernel, int Stride)> Pools() =>
        Ints((1, 2), (1, 2), (1, 3), (1, 3), (0, 3), (0, 4)).Select(p => (new Shape(p[0], p[1], p[2] + p[4], p[2] + p[5]), p[2], p[3]));

    private static Shape PoolOut(Shape x, int k, int s) => new(x[0], x[1], (x[2] - k) / s + 1, (x[3] - k) / s + 1);

    public static readonly Row[] Rows =
    [
        new("Conv2d: y = x ⋆ w", Geometries().Select(g => (new[] { g.X, g.W }, (Func<Var<double>[], Var<double>>)(v => ConvolutionOps.Forward(v[0], v[1], g.Axis, g.Offset))))),
        new("Conv2dInput: z = g ⋆ᵀ w", Geometries().Select(g => (new[] { g.Y, g.W }, (Func<Var<double>[], Var<double>>)(v => ConvolutionOps.Input(v[0], v[1], g.X, g.Axis, g.Offset))))),
        new("Conv2dWeight: v = x ⋆_w g", Geometries().Select(g => (new[] { g.X, g.Y }, (Func<Var<double>[], Var<double>>)(v => ConvolutionOps.Weight(v[0], v[1], g.W, g.Axis, g.Offset))))),
        new("MaxPool2d: y = gather(x, m)", Pools().Select(p => (new[] { p.X }, (Func<Var<double>[], Var<double>>)(v => v[0].MaxPool2d(p.Kernel, p.Stride)))), Distinct: true),
        // The scatter's positions m are those of max pooling a fixed second input (a constant), its values the first.
        new("MaxUnpool2d: z = scatter(g, m)", Pools().Select(p => (new[] { PoolOut(p.X, p.Kernel, p.Stride) }, (Func<Var<double>[], Var<double>>)(v =>
        {
            var t = v[0].Owner;
            var reference = t.Constant(Tensor.From<double>(Enumerable.Range(0, p.X.Length).Select(i => Math.Sin(7.1 * i)).ToArray(), p.X.Dims.ToArray()));
            var pooled = reference.MaxPool2d(p.Kernel, p.Stride);
            return PoolingOps.Scatter(v[0], pooled.Section.Nodes[pooled.Index].C, p.X, p.Kernel, p.Stride);
        })))),
        new("AvgPool2d: y = avg(x)", Pools().Select(p => (new[] { p.X }, (Func<Var<double>[], Var<double>>)(v => v[0].AvgPool2d(p.Kernel, p.Stride))))),
        new("AvgUnpool2d: z = spread(g)/K²", Pools().Select(p => (new[] { PoolOut(p.X, p.Kernel, p.Stride) }, (Func<Var<double>[], Var<double>>)(v => PoolingOps.Spread(v[0], p.X, p.Kernel, p.Stride))))),
    ];

    public static TheoryData<string> Names() => new(Rows.Select(r => r.Name));

    /// <summary>Inputs of the case's shapes; for max pooling all values distinct and at least 0.05 apart.</summary>
    private static Gen<(Tensor<double>[] Inputs, Func<Var<double>[], Var<double>> F, Tensor<double> U)> Instances(Row row) =>
        row.Cases.SelectMany(c => Gen.Choose(0, int.MaxValue - 1).Select(seed =>
        {
            var rng = new Random(seed);
            var inputs = c.Shapes.Select(s => new Tensor<double>(row.Distinct
                ? Enumerable.Range(0, s.Length).Select(i => (i - s.Length / 2) * 0.05).OrderBy(_ => rng.Next()).ToArray()
                : Enumerable.Range(0, s.Length).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), s)).ToArray();
            var tape = new Tape();
            var y = c.F(inputs.Select(tape.Constant).ToArray());
            var u = new Tensor<double>(Enumerable.Range(0, y.Shape.Length).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), y.Shape);
            return (inputs, c.F, u);
        }));

    private static Property ForAll(Row row, Func<Tensor<double>[], Func<Var<double>[], Var<double>>, Tensor<double>, bool> property) =>
        Prop.ForAll(Arb.From(Instances(row)), c => property(c.Inputs, c.F, c.U).Label(string.Join("; ", c.Inputs.Select(i => i.Shape.ToString()))));

    private static void Run(Property p) => Check.One(Config.QuickThrowOnFailure.WithMaxTest(40).WithQuietOnSuccess(true), p);

    private static bool Close(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double tolerance)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (!(Math.Abs(a[i] - b[i]) <= tolerance * (1 + Math.Abs(b[i])))) return false;
        return true;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Fused_kernel_equals_the_rule_recorded_in_tape_operations(string name) => Run(ForAll(Rows.Single(r => r.Name == name), (inputs, f, u) =>
    {
        var tape = new Tape();
        var x = inputs.Select(tape.Track).ToArray();
        var y = f(x);
        var recorded = tape.Differentiate((y * tape.Constant(u)).Sum(), x); // Σₖ VJP rows, recorded as values
        tape.Backward(y, u);                                                  // the fused kernels
        return x.Zip(recorded).All(p => Close(p.First.Grad, p.Second.Value, 1e-12));
    }));

    [Theory]
    [MemberData(nameof(Names))]
    public void Tangent_rule_matches_central_differences(string name) => Run(ForAll(Rows.Single(r => r.Name == name), (inputs, f, u) =>
    {
        // All inputs packed into one vector, so one tangent moves them all at once.
        int[] lengths = inputs.Select(i => i.Length).ToArray();
        var packed = Tensor.From<double>(inputs.SelectMany(i => i.Data).ToArray());
        Var<double> F(Tape t, Var<double> v)
        {
            var parts = new Var<double>[inputs.Length];
            for (int k = 0, at = 0; k < parts.Length; at += lengths[k], k++) parts[k] = v.Slice(0, at, lengths[k]).Reshape(inputs[k].Shape.Dims);
            return f(parts);
        }
        var rng = new Random(packed.Length);
        var direction = Tensor.From<double>(Enumerable.Range(0, packed.Length).Select(_ => rng.NextDouble() * 2 - 1).ToArray());
        var (_, tangent) = Derivatives.Jvp(F, packed, direction);
        const double h = 1e-6;
        double[] At(double step) => Derivatives.Jvp(F, Tensor.From<double>(packed.Data.Zip(direction.Data, (a, d) => a + step * d).ToArray()), direction).Value.Data;
        var numeric = At(h).Zip(At(-h), (p, m) => (p - m) / (2 * h)).ToArray();
        return Close(tangent.Data, numeric, 1e-6);
    }));

    [Theory]
    [MemberData(nameof(Names))]
    public void Second_derivative_through_the_rules_matches_central_differences(string name) => Run(ForAll(Rows.Single(r => r.Name == name), (inputs, f, u) =>
    {
        // s(x) = Σₖ ‖∂⟨u, f(x)⟩/∂xₖ‖² · (1 + xₖ[0]): its gradient needs the derivative of every VJP the row records.
        var check = GradCheck.Check((t, x) =>
        {
            var gradients = t.Differentiate((f(x) * t.Constant(u)).Sum(), x);
            Var<double> sum = default;
            for (int k = 0; k < x.Length; k++)
            {
                var term = (gradients[k] * gradients[k]).Sum() * (x[k].Reshape(-1).Slice(0, 0, 1).Sum() + 1.0);
                sum = k == 0 ? term : sum + term;
            }
            return sum;
        }, inputs);
        return check.Passed;
    }));
}
