using System.Reflection;
using AutoDiff.Demo;
using Xunit;

namespace AutoDiff.Tests.Demo;

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public class ConsoleCollection;

/// <summary>The demo's command line: bad options and bad data give one clear line and a non-zero exit, never a stack trace.</summary>
[Collection(nameof(ConsoleCollection))]
public class DemoCommandLineTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-demo-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            var main = typeof(DemoOptions).Assembly.EntryPoint!;
            int code = (int)main.Invoke(null, [args])!;
            return (code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    public static TheoryData<string[], string> BadOptions() => new()
    {
        { ["--epochs", "zero"], "--epochs needs a whole number" },
        { ["--epochs", "0"], "--epochs needs a whole number from 1" },
        { ["--lr", "-1"], "--lr needs a positive number" },
        { ["--lr", "NaN"], "--lr needs a positive number" },
        { ["--activation", "swishy"], "--activation must be one of linear, step, sigmoid" },
        { ["--task", "regression"], "--task must be one of multiclass, binary, both" },
        { ["--loss", "hinge"], "--loss must be one of" },
        { ["--optimizer", "rmsprop"], "--optimizer must be one of adam, sgd, momentum" },
        { ["--hidden", "128,-4"], "--hidden needs a whole number" },
        { ["--batch"], "option --batch needs a value" },
        { ["--colour", "blue"], "unknown option '--colour'" },
        { ["stray"], "unexpected argument 'stray'" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void A_bad_option_is_named_and_exits_2(string[] args, string message)
    {
        var (code, _, error) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Help_lists_every_option()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--task", "--hidden", "--activation", "--loss", "--optimizer", "--lr", "--epochs", "--batch", "--seed", "--augment", "--data", "--out" })
            Assert.Contains(option, output);
    }

    [Fact]
    public void Missing_and_malformed_data_files_exit_1_with_the_path()
    {
        string missing = Path.Combine(dir, "nope.bin.gz");
        var (code, _, error) = Run("--data", missing, "--out", dir);
        Assert.Equal(1, code);
        Assert.Contains(missing, error);

        string garbage = Path.Combine(dir, "garbage.bin.gz");
        File.WriteAllBytes(garbage, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
        (code, _, error) = Run("--data", garbage, "--out", dir);
        Assert.Equal(1, code);
        Assert.Contains("garbage.bin.gz", error);
        Assert.DoesNotContain("   at ", error);

        string emptyFolder = Directory.CreateDirectory(Path.Combine(dir, "idx")).FullName;
        (code, _, error) = Run("--data", emptyFolder, "--out", dir);
        Assert.Equal(1, code);
        Assert.Contains("train-images-idx3-ubyte", error);
    }

    [Fact]
    public void A_short_run_writes_the_plot_the_model_and_the_graph()
    {
        var (code, output, error) = Run("--epochs", "1", "--hidden", "16", "--out", dir);
        Assert.True(code == 0, error);
        foreach (var file in new[] { "digits-multiclass.png", "digits-binary.png", "digits-multiclass.admf", "digits-binary.admf", "digits-multiclass-graph.dot" })
        {
            string path = Path.Combine(dir, file);
            Assert.True(File.Exists(path), $"{file} was not written");
            Assert.Contains(path, output);
        }
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(Path.Combine(dir, "digits-binary.png"))[..4]);
        var model = AutoDiff.Nn.ModelFile.Load<float>(Path.Combine(dir, "digits-multiclass.admf"));
        Assert.Equal(784, model.Inputs);
        Assert.Equal(10, model.Outputs);
    }
}
