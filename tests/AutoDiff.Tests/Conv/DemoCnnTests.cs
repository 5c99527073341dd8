using AutoDiff.Demo;
using AutoDiff.Nn;
using AutoDiff.Tests.Demo;
using AutoDiff.Tests.Onnx;
using Spectre.Console;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>The demo's <c>--model cnn</c>: parsed, trained for an epoch, saved as a sequential model that loads and predicts like the trained one, and as ONNX that ONNX Runtime runs alike.</summary>
[Collection(nameof(ConsoleCollection))]
public class DemoCnnTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-demo-cnn-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Model_option_is_parsed_and_named_when_wrong()
    {
        Assert.Equal("cnn", DemoOptions.Parse([]).Model);
        Assert.Equal("mlp", DemoOptions.Parse(["--model", "mlp", "--hidden", "16"]).Model);
        Assert.Contains("--hidden shapes the MLP's hidden layers; add --model mlp", Assert.Throws<DemoUsageException>(() => DemoOptions.Parse(["--hidden", "16"])).Message);
        Assert.Contains("--activation shapes the MLP's hidden layers", Assert.Throws<DemoUsageException>(() => DemoOptions.Parse(["--activation", "tanh", "--model", "cnn"])).Message);
        Assert.Equal(32, DemoOptions.Parse([]).BatchSize);
        Assert.Equal(64, DemoOptions.Parse(["--model", "mlp"]).BatchSize);
        Assert.Equal("cnn", DemoOptions.Parse(["--model", "CNN"]).Model);
        Assert.Contains("--model must be one of mlp, cnn; got 'resnet'", Assert.Throws<DemoUsageException>(() => DemoOptions.Parse(["--model", "resnet"])).Message);
        Assert.Contains("--model cnn|mlp", DemoOptions.Usage);
    }

    [Fact]
    public void A_short_cnn_run_writes_a_sequential_model_file()
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(o), Interactive = InteractionSupport.No });
        int code;
        try
        {
            code = (int)typeof(DemoOptions).Assembly.EntryPoint!.Invoke(null, [new[] { "--model", "cnn", "--task", "multiclass", "--epochs", "1", "--out", dir }])!;
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
        Assert.True(code == 0, e.ToString());
        Assert.Contains("CNN conv 5×5 (16)", o.ToString());
        var model = ModelFile.LoadSequential<float>(Path.Combine(dir, "digits-multiclass.admf"));
        Assert.Equal(10, model.Layers.Count);
        Assert.Single(model.Layers.OfType<Dropout<float>>());
        Assert.IsType<Conv2d<float>>(model.Layers[0]);
        var scores = model.Predict(Tensor.Zeros<float>(2, 1, 28, 28));
        Assert.Equal(new Shape(2, 10), scores.Shape);
        // The ONNX file computes what the saved model computes (ONNX Runtime, float32, 1e-5 of the largest score).
        var x = Tensor.Uniform<float>(new Random(5), 0, 1, 3, 1, 28, 28);
        var (onnx, dims) = OnnxRuntimeRunner.Run(Path.Combine(dir, "digits-multiclass.onnx"), x.Span.ToArray(), 3, 1, 28, 28);
        Assert.Equal([3, 10], dims);
        Assert.True(Agreement.Agrees<float>(onnx, model.Predict(x).Span, Agreement.Floor.Norm, out string report), report);
        Assert.True(File.Exists(Path.Combine(dir, "digits-multiclass-graph.dot")));
        Assert.Contains("conv2d", File.ReadAllText(Path.Combine(dir, "digits-multiclass-graph.dot")));
    }
}
