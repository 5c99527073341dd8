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
/// Exported MLPs run in ONNX Runtime and give what <see cref="Mlp{T}.Predict"/> gives: random depths,
/// widths, batches and activations (every built-in, with default and other parameters), float and
/// double; the file has the promised interface; import gives back the same model, byte for byte.
/// </summary>
public class MlpExportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-onnx-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Every built-in activation (null: a linear layer without one), and two with other parameters.</summary>
    public static ElementwiseFunction<T>?[] AllActivations<T>() where T : IFloatingPointIeee754<T> =>
        [null, .. Builtin.Names.Select(Builtin.ByName<T>).Append(Builtin.LeakyReluFunction<T>(0.2)).Append(Builtin.EluFunction<T>(0.5))];

    private sealed record Case(int[] Sizes, int[] Activations, int Batch, int Seed)
    {
        public override string ToString() => $"sizes [{string.Join(", ", Sizes)}], activations [{string.Join(", ", Activations)}], batch {Batch}, seed {Seed}";
    }

    private static Arbitrary<Case> Cases(int activations) =>
        (from depth in Gen.Choose(1, 4)
         from sizes in Gen.ArrayOf(Gen.Choose(1, 12), depth + 1)
         from acts in Gen.ArrayOf(Gen.Choose(0, activations - 1), depth)
         from batch in Gen.Choose(1, 9)
         from seed in Gen.Choose(0, 100_000)
         select new Case(sizes, acts, batch, seed)).ToArbitrary();

    private static Mlp<T> Build<T>(Case c) where T : IFloatingPointIeee754<T>
    {
        var all = AllActivations<T>();
        return new Mlp<T>(c.Sizes, c.Activations.Select(i => all[i]).ToArray(), c.Seed);
    }

    /// <summary>The smallest |pre-activation| of a layer whose activation jumps (the step): Gemm rounding may flip it.</summary>
    private static double NearestJump<T>(Mlp<T> mlp, Tensor<T> x) where T : IFloatingPointIeee754<T>
    {
        var tape = new Tape();
        var h = tape.Constant(x);
        double nearest = double.PositiveInfinity;
        foreach (var layer in mlp.Layers)
        {
            var z = h.MatMul(tape.Constant(layer.Weight.Value)) + tape.Constant(layer.Bias.Value);
            if (layer.Activation?.Name == "BinaryStep")
                foreach (T v in z.Value) nearest = Math.Min(nearest, Math.Abs(double.CreateTruncating(v)));
            h = layer.Activation is null ? z : z.Apply(layer.Activation);
        }
        return nearest;
    }

    private void RunsAsInAutoDiff<T>() where T : IFloatingPointIeee754<T>
    {
        var property = Prop.ForAll(Cases(AllActivations<T>().Length), c =>
        {
            var mlp = Build<T>(c);
            string path = Path.Combine(dir, $"mlp-{typeof(T).Name}-{Guid.NewGuid():N}.onnx");
            OnnxModel.Export(mlp, path);
            var x = Tensor.Uniform<T>(new Random(c.Seed), -3, 3, c.Batch, mlp.Inputs);
            var expected = new T[c.Batch * mlp.Outputs];
            mlp.Predict(x.Span, c.Batch, expected);
            var (actual, dims) = OnnxRuntimeRunner.Run(path, x.Data, c.Batch, mlp.Inputs);
            File.Delete(path);
            bool agrees = Agreement.Agrees<T>(actual, expected, Agreement.Floor.Terms, out string report, Agreement.Terms(mlp, x));
            return (agrees && dims.SequenceEqual([c.Batch, mlp.Outputs])).Label($"{c}: {report}, output dims [{string.Join(", ", dims)}]")
                .When(NearestJump(mlp, x) > 1e-3);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(80).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void Float_mlps_give_in_onnx_runtime_what_they_give_in_autodiff() => RunsAsInAutoDiff<float>();

    [Fact]
    public void Double_mlps_give_in_onnx_runtime_what_they_give_in_autodiff() => RunsAsInAutoDiff<double>();

    [Fact]
    public void One_file_serves_any_batch_size()
    {
        var mlp = new Mlp<float>([5, 7, 3], [Builtin.TanhFunction<float>(), null], seed: 4);
        string path = Path.Combine(dir, "batch.onnx");
        OnnxModel.Export(mlp, path);
        using var session = OnnxRuntimeRunner.Open(path);
        foreach (int batch in new[] { 1, 2, 1000 })
        {
            var x = Tensor.Uniform<float>(new Random(batch), -2, 2, batch, 5);
            var expected = new float[batch * 3];
            mlp.Predict(x.Span, batch, expected);
            var (actual, dims) = OnnxRuntimeRunner.Run(session, x.Data, batch, 5);
            Assert.Equal([batch, 3], dims);
            Assert.True(Agreement.Agrees<float>(actual, expected, Agreement.Floor.Terms, out string report, Agreement.Terms(mlp, x)), $"batch {batch}: {report}");
        }
    }

    [Fact]
    public void The_file_has_the_promised_interface()
    {
        var mlp = new Mlp<double>([4, 6, 2], [Builtin.ReluFunction<double>(), null], seed: 2);
        string path = Path.Combine(dir, "interface.onnx");
        OnnxModel.Export(mlp, path);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(17, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Equal(8, model.IrVersion);
        var input = Assert.Single(model.Graph.Input);
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal(("input", "output"), (input.Name, output.Name));
        foreach (var (v, width) in new[] { (input, 4L), (output, 2L) })
        {
            Assert.Equal((int)TensorProto.Types.DataType.Double, v.Type.TensorType.ElemType);
            Assert.Equal("N", v.Type.TensorType.Shape.Dim[0].DimParam);
            Assert.Equal(width, v.Type.TensorType.Shape.Dim[1].DimValue);
        }
        Assert.Equal(["Gemm", "Relu", "Gemm"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias"], model.Graph.Initializer.Select(t => t.Name));
    }

    public static TheoryData<string, int> ActivationsByType()
    {
        var data = new TheoryData<string, int>();
        for (int i = 0; i < AllActivations<float>().Length; i++) data.Add("float", i);
        for (int i = 0; i < AllActivations<double>().Length; i++) data.Add("double", i);
        return data;
    }

    [Theory]
    [MemberData(nameof(ActivationsByType))]
    public void Export_import_export_is_byte_stable(string type, int activation)
    {
        if (type == "float") RoundTrip<float>(activation);
        else RoundTrip<double>(activation);
    }

    private void RoundTrip<T>(int activation) where T : IFloatingPointIeee754<T>
    {
        var act = AllActivations<T>()[activation];
        var mlp = new Mlp<T>([6, 5, 4, 3], [act, act, null], seed: activation + 10);
        string first = Path.Combine(dir, $"first-{activation}.onnx"), second = Path.Combine(dir, $"second-{activation}.onnx");
        OnnxModel.Export(mlp, first);
        var imported = OnnxModel.Import<T>(first);
        OnnxModel.Export(imported, second);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.Equal(mlp.Layers.Select(l => l.Activation?.Name), imported.Layers.Select(l => l.Activation?.Name));
        for (int i = 0; i < mlp.Parameters.Count; i++)
        {
            Assert.Equal(mlp.Parameters[i].Value.Shape, imported.Parameters[i].Value.Shape);
            Assert.Equal(mlp.Parameters[i].Value.Data, imported.Parameters[i].Value.Data);
        }
    }
}
