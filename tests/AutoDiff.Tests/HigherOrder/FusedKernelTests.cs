using AutoDiff.FsCheck;
using AutoDiff.Tests.Core;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace AutoDiff.Tests.HigherOrder;

/// <summary>
/// The fused first-order kernels (what <c>Backward</c> runs) equal the gradient table's rules (what
/// <c>Differentiate</c> records), row by row, on random inputs and a cotangent of varied sign. The second
/// check differentiates a recorded gradient both ways, so the fused kernels of the ops that only the rules
/// record (SumTo, BroadcastTo, Pad, products with a transposed operand) are compared with their rules too.
/// </summary>
public class FusedKernelTests
{
    public static TheoryData<string> TensorNames() => TensorHigherOrderTable.Names();

    public static TheoryData<string> ScalarNames() => new(ScalarGradientTable.Rows.Select(r => r.Name));

    private static string? Compare(Var<double>[] fused, Var<double>[] table, string what)
    {
        for (int k = 0; k < fused.Length; k++)
            if (Checks.Compare(table[k].Value, fused[k].Grad, 1e-12, 1e-11, $"{what}, input {k}") is { } failure) return failure;
        return null;
    }

    [Theory]
    [MemberData(nameof(TensorNames))]
    public void Tensor_fused_kernels_equal_their_table_rules(string name)
    {
        var row = TensorHigherOrderTable.All.Single(r => r.Name == name);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(20).WithQuietOnSuccess(true), Prop.ForAll(row.Inputs, parts =>
        {
            var t = new Tape();
            var x = parts.Select(t.Track).ToArray();
            var y = row.F(t, x);
            var u = t.Constant(Checks.Weights(y.Shape));
            t.Backward(y, Checks.Weights(y.Shape));
            var table = t.Differentiate((y * u).Sum(), x);
            string? failure = Compare(x, table, "first order");
            if (failure is null)
            {
                // a function of the recorded gradient: its fused sweep runs the kernels of the rules' ops
                var second = table.Select(g => (t.Constant(Checks.Weights(g.Shape)) * g * g).Sum()).Aggregate((a, b) => a + b);
                t.Backward(second);
                failure = Compare(x, t.Differentiate(second, x), "second order");
            }
            return (failure is null).Label($"{failure} at inputs {string.Join("; ", parts.Select(p => p.ToString()))}");
        }));
    }

    [Theory]
    [MemberData(nameof(ScalarNames))]
    public void Scalar_fused_sweep_equals_the_table_partials(string name)
    {
        var row = ScalarGradientTable.Rows.Single(r => r.Name == name);
        var points = TensorArb.Points(row.Arity, row.Domain);
        if (row.Valid is not null) points = points.Filter(row.Valid);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(50).WithQuietOnSuccess(true), Prop.ForAll(points, at =>
        {
            var t = new Tape();
            var x = t.Variables(at);
            var y = row.F(t, x);
            var fused = t.Gradient(y, x);
            var table = t.Differentiate(y, x).Select(g => g.Value).ToArray();
            string? failure = Checks.Compare(table, fused, 1e-12, 1e-11, "first order");
            if (failure is null && !row.FirstOrderOnly)
            {
                var g = t.Differentiate(y, x);
                var second = g.Select((gi, i) => gi * gi * (0.5 + i)).Aggregate((a, b) => a + b);
                failure = Checks.Compare(t.Differentiate(second, x).Select(s => s.Value).ToArray(), t.Gradient(second, x), 1e-12, 1e-11, "second order");
            }
            return (failure is null).Label($"{failure} at x = [{string.Join(", ", at)}]");
        }));
    }
}
