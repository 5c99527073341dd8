using AutoDiff.Demo;
using AutoDiff.Nn;
using AutoDiff.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace AutoDiff.Tests.Onnx;

/// <summary>
/// The demo's digits models, trained as the demo trains them (its trainer, default options, fewer
/// epochs to stay fast), exported, and run in ONNX Runtime on all 2,000 test digits: the same class as
/// <see cref="Mlp{T}.Predict"/> for every one.
/// </summary>
public class DigitsOnnxTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-onnx-digits-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_trained_digits_model_predicts_every_test_digit_alike_in_onnx_runtime(bool binary)
    {
        var options = new DemoOptions { Model = "mlp", Epochs = 2 };
        var (train, test, _) = DigitData.Load(null, options.Seed);
        var trainer = new DigitsTrainer(options, train, test, binary);
        trainer.Run(_ => { });
        var (accuracy, predicted, _) = trainer.Evaluate(test);
        Assert.Equal(2000, test.Count);
        // Learnt enough that agreement means something: well above chance (10%; 90% for always "not a 2"), both answers given.
        Assert.True(accuracy > (binary ? 0.93 : 0.75), $"the {trainer.Name} model learnt too little to say much: accuracy {accuracy:P1}");
        Assert.True(predicted.Distinct().Count() == (binary ? 2 : 10), $"the {trainer.Name} model gives only {predicted.Distinct().Count()} different answers");

        string path = Path.Combine(dir, $"digits-{trainer.Name}.onnx");
        OnnxModel.Export(trainer.Model.Mlp!, path);
        var (logits, dims) = OnnxRuntimeRunner.Run(path, trainer.Prepared(test), test.Count, test.Pixels);
        int outputs = binary ? 1 : 10;
        Assert.Equal([test.Count, outputs], dims);
        var ort = new int[test.Count];
        if (binary) for (int i = 0; i < ort.Length; i++) ort[i] = logits[i] > 0 ? 1 : 0;
        else Metrics.ArgMax<float>(logits, 10, ort);
        int[] differ = Enumerable.Range(0, test.Count).Where(i => ort[i] != predicted[i]).ToArray();
        output.WriteLine($"{trainer.Name}: accuracy {accuracy:P2}; ONNX Runtime and Mlp.Predict differ on {differ.Length} of {test.Count} digits");
        Assert.Empty(differ);
    }
}
