using FsCheck;
using FsCheck.Fluent;

namespace AutoDiff.FsCheck;

/// <summary>
/// One-line FsCheck properties that a function's reverse-mode gradient matches central finite
/// differences (<see cref="GradCheck"/>) at every generated input. Use from a
/// <c>[Property]</c> test: <c>public Property MyFn() => GradProperty.ForAll(TensorArb.Inputs(Domain.Real(), new Shape(3, 4)), (t, x) => x[0].Exp().Sum());</c>
/// </summary>
public static class GradProperty
{
    /// <summary>The gradient of <paramref name="f"/> passes <see cref="GradCheck"/> for all inputs drawn from <paramref name="inputs"/>.</summary>
    public static Property ForAll(Arbitrary<Tensor<double>[]> inputs, Func<Tape, Var<double>[], Var<double>> f, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(f);
        return Prop.ForAll(inputs, x =>
        {
            var r = GradCheck.Check(f, x, options);
            return r.Passed.Label($"{r} at inputs {string.Join("; ", x.Select(t => t.ToString()))}");
        });
    }

    /// <summary>The gradient of the scalar function <paramref name="f"/> of <paramref name="arity"/> arguments passes <see cref="GradCheck"/> on <paramref name="domain"/>.</summary>
    public static Property ForAll(int arity, Domain domain, Func<Tape, Scalar[], Scalar> f, GradCheckOptions? options = null) =>
        ForAll(TensorArb.Points(arity, domain), f, options);

    /// <summary>The gradient of the scalar function <paramref name="f"/> passes <see cref="GradCheck"/> at every point drawn from <paramref name="points"/>.</summary>
    public static Property ForAll(Arbitrary<double[]> points, Func<Tape, Scalar[], Scalar> f, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(f);
        return Prop.ForAll(points, x =>
        {
            var r = GradCheck.Check(f, x, options);
            return r.Passed.Label($"{r} at x = [{string.Join(", ", x)}]");
        });
    }
}
