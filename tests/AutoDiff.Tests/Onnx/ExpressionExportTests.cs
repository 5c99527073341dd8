using System.Numerics;
using AutoDiff.Nn;
using AutoDiff.Onnx;
using FsCheck;
using FsCheck.Fluent;
using Onnx;
using Xunit;
using E = AutoDiff.ElementwiseExpression;
using Op = AutoDiff.ExpressionOp;

namespace AutoDiff.Tests.Onnx;

/// <summary>
/// A user's activation exports as a composition of ONNX operators from its description: one row per
/// <see cref="ExpressionOp"/> (and the casts between numbers and conditions), each a hand-written
/// activation whose Forward is the C# function and whose Describe is the expression, exported and run
/// in ONNX Runtime on random inputs of its domain.
/// </summary>
public class ExpressionExportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-onnx-expr-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A hand-written activation: f in C# (evaluated in double) and its description.</summary>
    internal sealed class Described<T>(string name, Func<E, E> describe, Func<double, double> f) : ElementwiseFunction<T>
        where T : IFloatingPointIeee754<T>
    {
        public override string Name => name;

        public override void Forward(ReadOnlySpan<T> x, Span<T> y)
        {
            for (int i = 0; i < x.Length; i++) y[i] = T.CreateTruncating(f(double.CreateTruncating(x[i])));
        }

        public override void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) =>
            throw new NotSupportedException("Only exported, never trained.");

        public override E? Describe(E x) => describe(x);
    }

    /// <summary>One operation: its expression, the same in C#, an input range, whether ONNX Runtime has a float64 kernel, and the error floor.</summary>
    public sealed record Row(string Name, Func<E, E> Describe, Func<double, double> F, double Low, double High, bool Double = true, Agreement.Floor Floor = Agreement.Floor.None)
    {
        public override string ToString() => Name;
    }

    private static E U(Op op, E a) => E.Of(op, a);

    private static E B(Op op, E a, E b) => E.Of(op, a, b);

    // Trigonometric functions reduce their argument modulo π in absolute terms: floor 1 near their zeros.
    public static readonly Row[] Rows =
    [
        new("add", x => x + 0.5, x => x + 0.5, -3, 3),
        new("sub", x => 0.25 - x, x => 0.25 - x, -3, 3),
        new("mul", x => x * x * 1.5, x => x * x * 1.5, -3, 3),
        new("div", x => 1.0 / (x * x + 1.0), x => 1 / (x * x + 1), -3, 3),
        new("neg", x => -x, x => -x, -3, 3),
        new("exp", x => U(Op.Exp, x), Math.Exp, -5, 5),
        new("log", x => U(Op.Log, x), Math.Log, 0.1, 10),
        new("sqrt", x => U(Op.Sqrt, x), Math.Sqrt, 0, 10),
        new("abs", x => U(Op.Abs, x), Math.Abs, -3, 3),
        new("sign", x => U(Op.Sign, x), x => Math.Sign(x), -3, 3),
        new("tanh", x => U(Op.Tanh, x), Math.Tanh, -5, 5),
        new("sinh", x => U(Op.Sinh, x), Math.Sinh, -3, 3, Double: false),
        new("cosh", x => U(Op.Cosh, x), Math.Cosh, -3, 3, Double: false),
        new("sin", x => U(Op.Sin, x), Math.Sin, -3, 3, Floor: Agreement.Floor.One),
        new("cos", x => U(Op.Cos, x), Math.Cos, -3, 3, Floor: Agreement.Floor.One),
        new("tan", x => U(Op.Tan, x), Math.Tan, -1.4, 1.4, Double: false, Floor: Agreement.Floor.One),
        new("asin", x => U(Op.Asin, x), Math.Asin, -1, 1, Double: false),
        new("acos", x => U(Op.Acos, x), Math.Acos, -1, 1, Double: false),
        new("atan", x => U(Op.Atan, x), Math.Atan, -5, 5, Double: false),
        new("floor", x => U(Op.Floor, x), Math.Floor, -3, 3),
        new("ceiling", x => U(Op.Ceiling, x), Math.Ceiling, -3, 3),
        new("round (half to even)", x => U(Op.Round, x * 2.0) / 2.0, x => Math.Round(x * 2) / 2, -3, 3),
        new("pow", x => B(Op.Pow, x, 2.5), x => Math.Pow(x, 2.5), 0, 3),
        new("max", x => B(Op.Max, x, 0.25), x => Math.Max(x, 0.25), -3, 3),
        new("min", x => B(Op.Min, x, 0.25), x => Math.Min(x, 0.25), -3, 3),
        new("where less", x => E.Of(Op.Where, B(Op.Less, x, 0.5), x, -x), x => x < 0.5 ? x : -x, -3, 3),
        new("where less or equal", x => E.Of(Op.Where, B(Op.LessOrEqual, x, 0.5), x, 2.0), x => x <= 0.5 ? x : 2, -3, 3),
        new("where greater", x => E.Of(Op.Where, B(Op.Greater, x, 0.0), x, x * 0.1), x => x > 0 ? x : 0.1 * x, -3, 3),
        new("where greater or equal", x => E.Of(Op.Where, B(Op.GreaterOrEqual, x, 0.0), 1.0, 0.0), x => x >= 0 ? 1 : 0, -3, 3),
        new("where equal", x => E.Of(Op.Where, B(Op.Equal, U(Op.Round, x), 1.0), 7.0, x), x => Math.Round(x) == 1 ? 7 : x, -3, 3),
        new("and", x => E.Of(Op.Where, B(Op.And, B(Op.Greater, x, -1.0), B(Op.Less, x, 1.0)), x, 0.0), x => x > -1 && x < 1 ? x : 0, -3, 3),
        new("or", x => E.Of(Op.Where, B(Op.Or, B(Op.Less, x, -1.0), B(Op.Greater, x, 1.0)), x, 0.0), x => x < -1 || x > 1 ? x : 0, -3, 3),
        new("not", x => E.Of(Op.Where, U(Op.Not, B(Op.Less, x, 0.0)), x, 3.0), x => !(x < 0) ? x : 3, -3, 3),
        new("a condition as the result (cast to a number)", x => B(Op.Greater, x, 0.0), x => x > 0 ? 1 : 0, -3, 3),
        new("a number as a condition (cast to bool)", x => E.Of(Op.Where, U(Op.Floor, x), 1.0, 2.0), x => Math.Floor(x) != 0 ? 1 : 2, -3, 3),
        new("identity", x => x, x => x, -3, 3),
        new("a constant (still of x's shape)", x => 4.5, x => 4.5, -3, 3),
        new("a subexpression used twice (swish)", x => { var s = 1.0 / (1.0 + U(Op.Exp, -x)); return x * s + s * 0.0; }, x => x / (1 + Math.Exp(-x)), -6, 6),
    ];

    public static TheoryData<Row, string> RowsByType()
    {
        var data = new TheoryData<Row, string>();
        foreach (var r in Rows)
        {
            data.Add(r, "float");
            if (r.Double) data.Add(r, "double");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RowsByType))]
    public void Each_operation_runs_in_onnx_runtime_as_in_csharp(Row row, string type)
    {
        if (type == "float") Check<float>(row);
        else Check<double>(row);
    }

    /// <summary>An MLP of one layer whose Gemm passes x through unchanged (W = I, b = 0), then the row's function.</summary>
    private void Check<T>(Row row) where T : IFloatingPointIeee754<T>
    {
        const int Width = 16;
        var identity = Tensor.Zeros<T>(Width, Width);
        for (int i = 0; i < Width; i++) identity[i, i] = T.One;
        var act = new Described<T>(row.Name, row.Describe, row.F);
        var mlp = new Mlp<T>([new Dense<T>(identity, Tensor.Zeros<T>(Width), act)]);
        string path = Path.Combine(dir, $"{row.Name.Replace(' ', '-')}-{typeof(T).Name}.onnx");
        OnnxModel.Export(mlp, path);
        using var session = OnnxRuntimeRunner.Open(path);
        var property = Prop.ForAll(Gen.Choose(1, 8).SelectMany(b => Gen.Choose(0, 100_000).Select(s => (Batch: b, Seed: s))).ToArbitrary(), c =>
        {
            var x = Tensor.Uniform<T>(new Random(c.Seed), row.Low, row.High, c.Batch, Width);
            if (row.Name.StartsWith("round", StringComparison.Ordinal)) x.Span[0] = T.CreateTruncating(1.25); // a tie: 2.5 rounds to 2
            var expected = new T[x.Length];
            mlp.Predict(x.Span, c.Batch, expected);
            var (actual, _) = OnnxRuntimeRunner.Run(session, x.Data, c.Batch, Width);
            return Agreement.Agrees<T>(actual, expected, row.Floor, out string report).Label($"{row} batch {c.Batch} seed {c.Seed}: {report}");
        });
        global::FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(30).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void A_subexpression_used_twice_is_written_once_and_constants_have_the_models_type()
    {
        var row = Rows.Single(r => r.Name.StartsWith("a subexpression", StringComparison.Ordinal));
        var mlp = new Mlp<double>([2, 2], [new Described<double>("Swish", row.Describe, row.F)], seed: 1);
        string path = Path.Combine(dir, "swish.onnx");
        OnnxModel.Export(mlp, path);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var f = Assert.Single(model.Functions);
        Assert.Equal(("Swish", "ai.autodiff", "Swish"), (f.Name, f.Domain, f.DocString));
        Assert.Equal(1, f.Node.Count(n => n.OpType == "Exp"));
        Assert.All(f.Node.Where(n => n.OpType == "Constant"), c => Assert.Equal((int)TensorProto.Types.DataType.Double, c.Attribute[0].T.DataType));
        Assert.Contains(model.OpsetImport, o => o.Domain == "ai.autodiff" && o.Version == 1);
        var call = model.Graph.Node.Single(n => n.Domain == "ai.autodiff");
        Assert.Equal(("Swish", "/layer0/Swish"), (call.OpType, call.Name));
    }

    [Fact]
    public void Two_activations_with_one_name_and_different_bodies_get_two_functions()
    {
        var a = new Described<float>("Scaled", x => x * 2.0, x => 2 * x);
        var b = new Described<float>("Scaled", x => x * 3.0, x => 3 * x);
        var mlp = new Mlp<float>([2, 2, 2, 2], [a, b, a], seed: 1);
        string path = Path.Combine(dir, "two.onnx");
        OnnxModel.Export(mlp, path);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(["Scaled", "Scaled_1"], model.Functions.Select(f => f.Name));
        Assert.Equal(["Scaled", "Scaled_1", "Scaled"], model.Graph.Node.Where(n => n.Domain == "ai.autodiff").Select(n => n.OpType));
        var x = new float[] { 1, -2 };
        var expected = new float[2];
        mlp.Predict(x, 1, expected);
        var (actual, _) = OnnxRuntimeRunner.Run(path, x, 1, 2);
        Assert.True(Agreement.Agrees<float>(actual, expected, Agreement.Floor.Norm, out string report), report);
    }
}
