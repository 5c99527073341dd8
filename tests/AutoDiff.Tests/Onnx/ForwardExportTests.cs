using System.Numerics;
using AutoDiff.Nn;
using AutoDiff.Onnx;
using FsCheck;
using FsCheck.Fluent;
using Onnx;
using Xunit;
using Builtin = AutoDiff.Activations;

namespace AutoDiff.Tests.Onnx;

/// <summary>
/// Recorded forward passes exported with <see cref="OnnxModel.Export{T}(Func{Tape, Var{T}, Var{T}}, Shape, string)"/>
/// and run in ONNX Runtime: one row per tape primitive, per composite (softmax, log-sum-exp, the losses,
/// layers) and per built-in activation, on random [batch, features] inputs (FsCheck over both), float and
/// double, against the same forward pass on AutoDiff's tape.
/// </summary>
public class ForwardExportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-onnx-forward-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A forward pass: its name (the case in <see cref="Forward{T}"/>), input range, error floor and whether its batch is dynamic.</summary>
    public sealed record Row(string Name, double Low = -3, double High = 3, Agreement.Floor Floor = Agreement.Floor.None, bool Batch = true)
    {
        public override string ToString() => Name;
    }

    private const Agreement.Floor Sums = Agreement.Floor.Norm;

    // Sums to one number (or a few) take positive inputs, so that they do not cancel: a result that
    // cancels to near 0 is only as exact as its terms, which a relative tolerance does not measure.
    private const double P = 0.25;

    public static readonly Row[] Rows =
    [
        new("add a row (broadcast)"), new("subtract from a row"), new("multiply by a row"), new("divide"), new("max with a row"),
        new("negate"), new("scale"), new("exp"), new("log", 0.1, 5), new("where (a fixed mask)", Batch: false),
        new("sum", P, 3, Sums), new("sum over axis 0", P, 3, Sums), new("sum over axis 1, kept", P, 3, Sums),
        new("reshape to a vector"), new("reshape to rank 3"), new("transpose"), new("slice"), new("a detached copy"),
        new("matmul", Floor: Sums), new("batched matmul", Floor: Sums), new("matmul of two batches", Floor: Sums),
        new("mean", P, 3, Sums, Batch: false), new("mean over axis 1", P, 3, Sums), new("square"),
        new("softmax"), new("log softmax", Floor: Agreement.Floor.One), new("log-sum-exp", Floor: Sums),
        new("L2 loss", Floor: Sums, Batch: false), new("binary cross-entropy from logits", Floor: Sums, Batch: false),
        new("cross-entropy from logits", Floor: Agreement.Floor.One, Batch: false), new("binary cross-entropy of probabilities", 0.05, 0.95, Sums, Batch: false), new("mean squared error", Floor: Sums, Batch: false),
        new("gradient through a broadcast", P, 3, Sums, Batch: false), new("gradient of a matmul", P, 3, Sums, Batch: false), new("gradient of a slice", P, 3, Sums, Batch: false),
        new("dense layer", Floor: Sums), new("MLP forward", Floor: Sums), new("MLP to softmax", Floor: Sums),
        new("pow 3"), new("pow 0.5", 0.1, 5), new("min with a row"), new("clamp"), new("clamp between rows"),
        new("where, a condition row broadcast"), new("permute"), new("transpose of axes 0 and 2"),
        new("sum over two axes", P, 3, Sums), new("mean over two axes, kept", P, 3, Sums, Batch: false),
        new("max over axis 1"), new("min over axis 0"), new("max of all"), new("concat along axis 1"), new("concat along the batch axis"),
        new("stack"), new("index select"), new("matmul by a vector", Floor: Sums), new("vector times matmul", Floor: Sums, Batch: false),
        new("matmul with broadcast batches", Floor: Sums),
        new("gradient of a permute and a concat", P, 3, Sums, Batch: false), new("gradient of an index select", P, 3, Sums, Batch: false),
        .. Builtin.Names.Select(n => new Row($"activation {n}", Floor: n == "elu" ? Agreement.Floor.One : Agreement.Floor.None)),
        new("activation leakyrelu(0.2)"), new("activation elu(0.5)", Floor: Agreement.Floor.One),
    ];

    /// <summary>The row's forward pass on <paramref name="x"/> [batch, features]; weights from <paramref name="seed"/> (the same every call).</summary>
    public static Var<T> Forward<T>(string row, Tape t, Var<T> x, int seed) where T : IFloatingPointIeee754<T>
    {
        int b = x.Shape[0], f = x.Shape[1];
        var rng = new Random(seed);
        Var<T> W(double low, double high, params int[] dims) => t.Track(Tensor.Uniform<T>(rng, low, high, dims));
        Var<T> C(double low, double high, params int[] dims) => t.Constant(Tensor.Uniform<T>(rng, low, high, dims));
        T N(double v) => T.CreateTruncating(v);
        if (row.StartsWith("activation ", StringComparison.Ordinal)) return x.Apply(ActivationOf<T>(row));
        return row switch
        {
            "add a row (broadcast)" => x + W(-1, 1, f),
            "subtract from a row" => W(-1, 1, f) - x,
            "multiply by a row" => x * W(-2, 2, f),
            "divide" => x / W(1, 2, f),
            "max with a row" => Var.Max(x, W(-1, 1, f)),
            "negate" => -x,
            "scale" => x * N(2.5),
            "exp" => x.Exp(),
            "log" => x.Log(),
            "where (a fixed mask)" => Var.Where(t.Constant(new Tensor<T>(Enumerable.Range(0, b * f).Select(i => i % 3 == 0 ? T.One : T.Zero).ToArray(), new Shape(b, f))), x, -x * N(2)),
            "sum" => x.Sum(),
            "sum over axis 0" => x.Sum(0),
            "sum over axis 1, kept" => x.Sum(1, keepDims: true),
            "reshape to a vector" => x.Reshape(-1),
            "reshape to rank 3" => x.Reshape(b, 1, f).Exp(),
            "transpose" => x.Transpose(),
            "slice" => x.Slice(1, f / 3, f - f / 3),
            "a detached copy" => x * x.Detach(),
            "matmul" => x.MatMul(W(-1, 1, f, 3)),
            "batched matmul" => x.Reshape(b, 1, f).MatMul(W(-1, 1, f, 2)),
            "matmul of two batches" => x.Reshape(b, 1, f).MatMul(x.Reshape(b, f, 1)),
            "mean" => x.Mean(),
            "mean over axis 1" => x.Mean(1),
            "square" => x.Square(),
            "softmax" => (x * N(3)).Softmax(),
            "log softmax" => (x * N(3)).LogSoftmax(),
            "log-sum-exp" => x.LogSumExp(),
            "L2 loss" => Losses.L2(x, C(-1, 1, b, f)),
            "binary cross-entropy from logits" => Losses.BinaryCrossEntropyFromLogits(x, C(0, 1, b, f)),
            "cross-entropy from logits" => Losses.CrossEntropyFromLogits(x, Enumerable.Range(0, b).Select(i => i % f).ToArray()),
            "binary cross-entropy of probabilities" => Losses.BinaryCrossEntropy(x, C(0, 1, b, f)),
            "mean squared error" => Losses.MeanSquaredError(x, C(-1, 1, b, f)),
            "gradient through a broadcast" => Gradient(t, x, W(-1, 1, f), (x, w) => (x * w).Exp().Sum()),
            "gradient of a matmul" => Gradient(t, x, W(-1, 1, f, 3), (x, w) => x.MatMul(w).Square().Sum()),
            "gradient of a slice" => Gradient(t, x, W(-1, 1, f), (x, w) => (x * w).Slice(1, 0, (f + 1) / 2).Square().Sum()),
            "dense layer" => new Dense<T>(f, 4, Builtin.TanhFunction<T>(), rng).Forward(x),
            "MLP forward" => new Mlp<T>([f, 5, 3], [Builtin.ReluFunction<T>(), null], seed).Forward(x),
            "MLP to softmax" => new Mlp<T>([f, 6, 4], [Builtin.SoftplusFunction<T>(), null], seed).Forward(x).Softmax(),
            "pow 3" => x.Pow(N(3)),
            "pow 0.5" => x.Pow(N(0.5)),
            "min with a row" => Var.Min(x, W(-1, 1, f)),
            "clamp" => x.Clamp(N(-1), N(1.5)),
            "clamp between rows" => x.Clamp(W(-2, -0.5, f), W(0.5, 2, f)),
            "where, a condition row broadcast" => Var.Where(t.Constant(new Tensor<T>(Enumerable.Range(0, f).Select(i => i % 2 == 0 ? T.One : T.Zero).ToArray(), new Shape(f))), x, W(-1, 1, 1)),
            "permute" => x.Reshape(b, 1, f).Permute(2, 0, 1),
            "transpose of axes 0 and 2" => x.Reshape(b, f, 1).Transpose(0, 2).Exp(),
            "sum over two axes" => x.Reshape(b, 1, f).Sum([0, 2]),
            "mean over two axes, kept" => x.Reshape(b, f, 1).Mean([0, -1], keepDims: true),
            "max over axis 1" => x.Max(1),
            "min over axis 0" => x.Min(0, keepDims: true),
            "max of all" => x.Max(),
            "concat along axis 1" => Var.Concat([x, x.Exp(), x.Slice(1, 0, 1)], axis: 1),
            "concat along the batch axis" => Var.Concat([W(-1, 1, 2, f), x]),
            "stack" => Var.Stack([x, -x], axis: 1),
            "index select" => x.IndexSelect(1, [f - 1, 0, f - 1]),
            "matmul by a vector" => x.MatMul(W(-1, 1, f)),
            "vector times matmul" => W(-1, 1, b).MatMul(x),
            "matmul with broadcast batches" => x.Reshape(b, 1, 1, f).MatMul(W(-1, 1, 2, f, 3)),
            "gradient of a permute and a concat" => Gradient(t, x, W(-1, 1, f), (x, w) => Var.Concat([x * w, x.Reshape(b, f, 1).Permute(1, 2, 0).Reshape(f, b).Transpose()], axis: 1).Square().Sum()),
            "gradient of an index select" => Gradient(t, x, W(-1, 1, f), (x, w) => (x * w).IndexSelect(1, [0, f - 1, 0]).Square().Sum()),
            _ => throw new ArgumentException($"No row '{row}'."),
        };
    }

    /// <summary>∂loss(x, w)/∂w recorded as tape operations (<see cref="Tape.Differentiate{T}"/>): a graph of the rules' primitives.</summary>
    private static Var<T> Gradient<T>(Tape t, Var<T> x, Var<T> w, Func<Var<T>, Var<T>, Var<T>> loss) where T : IFloatingPointIeee754<T> =>
        t.Differentiate(loss(x, w), w)[0];

    public static TheoryData<Row, string> RowsByType()
    {
        var data = new TheoryData<Row, string>();
        foreach (var r in Rows)
        {
            data.Add(r, "float");
            data.Add(r, "double");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RowsByType))]
    public void Each_forward_pass_runs_in_onnx_runtime_as_on_the_tape(Row row, string type)
    {
        if (type == "float") Check<float>(row);
        else Check<double>(row);
    }

    private void Check<T>(Row row) where T : IFloatingPointIeee754<T>
    {
        // ONNX Runtime has no float64 Elu or Softplus kernel, but those are written as functions in double.
        var cases = (from batch in Gen.Choose(1, 5) from features in Gen.Choose(1, 6) from seed in Gen.Choose(0, 100_000) select (Batch: batch, Features: features, Seed: seed)).ToArbitrary();
        var property = Prop.ForAll(cases, c =>
        {
            Func<Tape, Var<T>, Var<T>> forward = (t, x) => Forward(row.Name, t, x, c.Seed);
            string path = Path.Combine(dir, $"{Guid.NewGuid():N}.onnx");
            OnnxModel.Export(forward, new Shape(c.Batch, c.Features), path);
            // run on the exported batch and, where the batch is dynamic, on one of another size. Recorded at
            // batch 1 a pass may be ambiguous (summing over an axis of one row records no sum), and the
            // exporter then fixes the batch, as documented; from batch 2 a batch row must be dynamic.
            using var session = OnnxRuntimeRunner.Open(path);
            bool dynamic = session.InputMetadata["input"].Dimensions[0] < 0;
            int other = row.Batch && dynamic ? c.Batch + 2 : c.Batch;
            var outcomes = new List<string> { $"batch {(dynamic ? "dynamic" : "fixed")}" };
            bool ok = !row.Batch || dynamic || c.Batch == 1;
            foreach (int batch in new[] { c.Batch, other }.Distinct())
            {
                var x = Tensor.Uniform<T>(new Random(c.Seed + batch), row.Low, row.High, batch, c.Features);
                var tape = new Tape();
                var expected = forward(tape, tape.Constant(x));
                var (actual, dims) = OnnxRuntimeRunner.Run(session, x.Data, batch, c.Features);
                ok &= Agreement.Agrees<T>(actual, expected.Value, row.Floor, out string report) && dims.SequenceEqual(expected.Shape.Dims.ToArray());
                outcomes.Add($"batch {batch}: {report}, dims [{string.Join(", ", dims)}] vs {expected.Shape}");
            }
            File.Delete(path);
            return ok.Label($"{row} {c}: {string.Join("; ", outcomes)}");
        });
        global::FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(8).WithQuietOnSuccess(true), property);
    }

    private static ElementwiseFunction<T> ActivationOf<T>(string row) where T : IFloatingPointIeee754<T> => row["activation ".Length..] switch
    {
        "leakyrelu(0.2)" => Builtin.LeakyReluFunction<T>(0.2),
        "elu(0.5)" => Builtin.EluFunction<T>(0.5),
        var name => Builtin.ByName<T>(name),
    };

    [Fact]
    public void The_batch_is_dynamic_exactly_when_the_graph_does_not_depend_on_it()
    {
        foreach (var row in Rows.Where(r => !r.Name.StartsWith("activation", StringComparison.Ordinal)))
        {
            string path = Path.Combine(dir, "batch.onnx");
            OnnxModel.Export<double>((t, x) => Forward(row.Name, t, x, 3), new Shape(4, 3), path);
            var input = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Input[0].Type.TensorType.Shape.Dim[0];
            Assert.True(row.Batch == (input.DimParam == "N"), $"{row}: batch dimension {(input.DimParam == "N" ? "N" : input.DimValue.ToString())}");
            if (!row.Batch) Assert.Equal(4, input.DimValue);
        }
    }

    [Fact]
    public void The_numpy_style_primitives_become_their_onnx_operators()
    {
        string path = Path.Combine(dir, "tensorops.onnx");
        OnnxModel.Export<float>((t, x) => Var.Concat([x.Pow(3f), Var.Min(x, 0f)], axis: 1).Permute(1, 0).IndexSelect(0, [0, 2]).Max(1) + x.Min(), new Shape(2, 3), path);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(["Pow", "Min", "Concat", "Transpose", "Gather", "ReduceMax", "Reshape", "Reshape", "ReduceMin", "Reshape", "Add"], model.Graph.Node.Select(n => n.OpType));
        string scattered = Path.Combine(dir, "scatter.onnx");
        OnnxModel.Export<float>((t, x) => { var w = t.Track(Tensor.Full(1f, 3)); return t.Differentiate((x * w).IndexSelect(1, [2, 0, 2]).Square().Sum(), w)[0]; }, new Shape(2, 3), scattered);
        Assert.Contains("ScatterElements", ModelProto.Parser.ParseFrom(File.ReadAllBytes(scattered)).Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Primitives_become_their_onnx_operators()
    {
        string path = Path.Combine(dir, "ops.onnx");
        OnnxModel.Export<float>((t, x) => (x.MatMul(t.Track(Tensor.From<float>([1, 2, 3, 4, 5, 6], 3, 2))) * 2f).Softmax().Sum(1), new Shape(2, 3), path);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(["MatMul", "Mul", "ReduceMax", "Sub", "Exp", "ReduceSum", "Div", "ReduceSum"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(("input", "output"), (model.Graph.Input[0].Name, model.Graph.Output[0].Name));
        Assert.Equal(17, model.OpsetImport.Single().Version);
    }
}
