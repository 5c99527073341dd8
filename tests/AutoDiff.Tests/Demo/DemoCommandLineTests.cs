using System.Reflection;
using AutoDiff.Demo;
using Spectre.Console;
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
        // Spectre.Console binds its console to the writer of its first use: give each run its own.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(o), Interactive = InteractionSupport.No });
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
        { ["--activation", "swishy"], "--activation must be one of linear, sigmoid, tanh" },
        { ["--activation", "step"], "--activation step cannot be trained by gradient descent: its derivative is 0" },
        { ["--anomalies", "maybe"], "--anomalies must be one of on, off" },
        { ["--task", "regression"], "--task must be one of multiclass, binary, both" },
        { ["--loss", "hinge"], "--loss must be one of" },
        { ["--optimizer", "rmsprop"], "--optimizer must be one of adam, sgd, momentum" },
        { ["--hidden", "128,-4"], "--hidden needs a whole number" },
        { ["--batch"], "option --batch needs a value" },
        { ["--colour", "blue"], "unknown option '--colour'" },
        { ["--colour"], "unknown option '--colour'; the options are --task" },
        { ["--batch", "9000", "--out", Path.Combine(Path.GetTempPath(), "autodiff-demo-batch-test")], "--batch 9000 is larger than the 8,000 training digits; give at most 8000" },
        { ["stray"], "unexpected argument 'stray'" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void A_bad_option_is_named_and_exits_2(string[] args, string message)
    {
        var (code, _, error) = Run(args);
        int outAt = Array.IndexOf(args, "--out");
        if (outAt >= 0 && Directory.Exists(args[outAt + 1])) Directory.Delete(args[outAt + 1], recursive: true);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Help_lists_every_option()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--task", "--hidden", "--activation", "--loss", "--optimizer", "--lr", "--epochs", "--batch", "--seed", "--augment", "--deskew", "--data", "--out", "--anomalies" })
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
    public void An_output_folder_that_cannot_be_written_is_named_before_training()
    {
        string file = Path.Combine(dir, "a-file");
        File.WriteAllText(file, "");
        foreach (string bad in OperatingSystem.IsLinux() ? new[] { Path.Combine(file, "out"), file, "/proc/x" } : [Path.Combine(file, "out"), file])
        {
            var (code, output, error) = Run("--out", bad);
            Assert.Equal(1, code);
            Assert.Contains($"--out {bad}: ", error);
            Assert.Contains("give a folder you can create and write to", error);
            Assert.DoesNotContain("Could not find", error);
            Assert.DoesNotContain("epoch", output);
            Assert.DoesNotContain("   at ", error);
        }
    }

    [Fact]
    public void A_diverging_run_points_at_the_learning_rate_and_the_anomalies_option()
    {
        string[] diverging = ["--model", "mlp", "--task", "binary", "--epochs", "1", "--hidden", "4", "--optimizer", "sgd", "--lr", "1e30", "--augment", "off", "--out", dir];
        var (code, _, error) = Run(diverging);
        Assert.Equal(1, code);
        Assert.Contains("The binary training diverged in epoch 1", error);
        Assert.Contains("Lower the learning rate (--lr), or run with --anomalies on", error);
        Assert.DoesNotContain("Tape.DetectAnomalies", error);

        // With --anomalies on, the message names the operation and where it was recorded.
        (code, _, error) = Run([.. diverging, "--anomalies", "on"]);
        Assert.Equal(1, code);
        Assert.Contains("produced a non-finite value", error);
        Assert.Contains("DigitsTrainer", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void A_short_run_writes_the_plot_the_model_and_the_graph()
    {
        var (code, output, error) = Run("--model", "mlp", "--epochs", "1", "--hidden", "16", "--out", dir);
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
