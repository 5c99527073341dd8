using System.Numerics;
using AutoDiff.Nn;
using AutoDiff.Onnx;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Xunit;

namespace AutoDiff.Tests.Onnx;

/// <summary>
/// MLPs as <c>torch.onnx.export</c> writes them (<see cref="TorchStyleFiles"/>) import into an
/// <see cref="Mlp{T}"/> that computes what ONNX Runtime computes from the same file, and that trains on.
/// </summary>
public class TorchImportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-onnx-torch-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private sealed record Case(int[] Sizes, int[] Activations, TorchStyleFiles.Linear Style, int Batch, int Seed)
    {
        public override string ToString() =>
            $"{Style}, sizes [{string.Join(", ", Sizes)}], activations [{string.Join(", ", Activations.Select(a => a < 0 ? "none" : TorchStyleFiles.Activations[a].Name))}], batch {Batch}, seed {Seed}";
    }

    private static Arbitrary<Case> Cases() =>
        (from depth in Gen.Choose(1, 4)
         from sizes in Gen.ArrayOf(Gen.Choose(1, 12), depth + 1)
         from acts in Gen.ArrayOf(Gen.Choose(-1, TorchStyleFiles.Activations.Length - 1), depth)
         from style in Gen.Elements(TorchStyleFiles.Linear.Gemm, TorchStyleFiles.Linear.MatMulAdd)
         from batch in Gen.Choose(1, 9)
         from seed in Gen.Choose(0, 100_000)
         select new Case(sizes, acts, style, batch, seed)).ToArbitrary();

    private void ComputesWhatOnnxRuntimeComputes<T>() where T : IFloatingPointIeee754<T>
    {
        // ONNX Runtime has no float64 Elu or Softplus kernel: double files with them cannot run there.
        bool runs(Case c) => typeof(T) == typeof(float) || c.Activations.All(a => a < 0 || TorchStyleFiles.Activations[a].Op is not ("Elu" or "Softplus"));
        var property = Prop.ForAll(Cases(), c =>
        {
            if (!runs(c)) return true.When(false);
            var file = TorchStyleFiles.Random<T>(c.Sizes, c.Activations.Select(a => a < 0 ? null : TorchStyleFiles.Activations[a]).ToArray(), c.Style, c.Seed);
            string path = Path.Combine(dir, $"torch-{Guid.NewGuid():N}.onnx");
            File.WriteAllBytes(path, file.ToByteArray());
            var mlp = OnnxModel.Import<T>(path);
            var x = Tensor.Uniform<T>(new Random(c.Seed), -3, 3, c.Batch, c.Sizes[0]);
            var ours = new T[c.Batch * c.Sizes[^1]];
            mlp.Predict(x.Span, c.Batch, ours);
            var (theirs, _) = OnnxRuntimeRunner.Run(path, x.Data, c.Batch, c.Sizes[0]);
            File.Delete(path);
            // LeakyRelu's alpha is a float32 in the file (0.01f) and the slope imported is the decimal meant
            // (0.01): in double the two differ by 2e-8 relative, so compare double models in float's tolerance there.
            bool leaky = typeof(T) == typeof(double) && c.Activations.Any(a => a >= 0 && TorchStyleFiles.Activations[a].Op == "LeakyRelu");
            var terms = Agreement.Terms(mlp, x);
            bool agrees = Agreement.Agrees<T>(theirs, ours, Agreement.Floor.Terms, out string report, terms);
            bool close = leaky && Agreement.Worst<T>(theirs, ours, Agreement.Floor.Terms, terms).Error <= 1e-7;
            return (agrees || close).Label($"{c}: {report}").When(true);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void Float_torch_mlps_import_and_compute_what_onnx_runtime_computes() => ComputesWhatOnnxRuntimeComputes<float>();

    [Fact]
    public void Double_torch_mlps_import_and_compute_what_onnx_runtime_computes() => ComputesWhatOnnxRuntimeComputes<double>();

    [Fact]
    public void Torch_activations_become_the_built_ins_with_their_parameters()
    {
        var file = TorchStyleFiles.Random<float>([3, 4, 4, 4, 4, 4, 4, 4, 2], [.. TorchStyleFiles.Activations, null], TorchStyleFiles.Linear.Gemm, 1);
        string path = Path.Combine(dir, "activations.onnx");
        File.WriteAllBytes(path, file.ToByteArray());
        var mlp = OnnxModel.Import<float>(path);
        Assert.Equal(["Relu", "Sigmoid", "Tanh", "LeakyRelu(slope: 0.01)", "LeakyRelu(slope: 0.2)", "Elu(alpha: 1)", "Softplus", null],
            mlp.Layers.Select(l => l.Activation?.Name));
        Assert.Equal([3, 4], mlp.Layers[0].Weight.Value.Shape.Dims.ToArray()); // [out, in] with transB = 1 becomes [in, out]
    }

    [Fact]
    public void An_imported_torch_model_fine_tunes()
    {
        // A 4 → 16 → 3 torch classifier with its random initial weights, trained on a fixed task.
        var file = TorchStyleFiles.Random<float>([4, 16, 3], [TorchStyleFiles.Activations[0], null], TorchStyleFiles.Linear.Gemm, seed: 5);
        string path = Path.Combine(dir, "finetune.onnx");
        File.WriteAllBytes(path, file.ToByteArray());
        var mlp = OnnxModel.Import<float>(path);
        var rng = new Random(2);
        var x = Tensor.Uniform<float>(rng, -1, 1, 64, 4);
        int[] labels = Enumerable.Range(0, 64).Select(i => x[i, 0] + x[i, 1] > 0.3f ? 0 : x[i, 2] > 0 ? 1 : 2).ToArray();
        var adam = new Adam<float>(0.02);
        var tape = new Tape();
        var losses = new List<float>();
        for (int step = 0; step < 150; step++)
        {
            tape.Reset();
            var loss = Losses.CrossEntropyFromLogits(mlp.Forward(tape.Constant(x)), labels);
            tape.Backward(loss);
            adam.Step(mlp.Parameters);
            losses.Add(loss.Item);
        }
        Assert.True(losses[^1] < 0.3f * losses[0], $"loss went from {losses[0]} to {losses[^1]}");
        // and it still exports and runs: the fine-tuned model in ONNX Runtime
        string tuned = Path.Combine(dir, "tuned.onnx");
        OnnxModel.Export(mlp, tuned);
        var expected = new float[64 * 3];
        mlp.Predict(x.Span, 64, expected);
        var (actual, _) = OnnxRuntimeRunner.Run(tuned, x.Data, 64, 4);
        Assert.True(Agreement.Agrees<float>(actual, expected, Agreement.Floor.Terms, out string report, Agreement.Terms(mlp, x)), report);
    }
}
