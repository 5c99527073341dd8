using System.Diagnostics;
using AutoDiff;
using AutoDiff.Demo;
using AutoDiff.Nn;
using Spectre.Console;

// The digits demo: the lecture's two questions learnt from real MNIST digits.
DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (DemoUsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine("Run with --help to see the options.");
    return 2;
}
if (options.Help)
{
    Console.WriteLine(DemoOptions.Usage);
    return 0;
}

try
{
    var clock = Stopwatch.StartNew();
    OutputFolder.Prepare(options.OutputDirectory);
    var (train, test, source) = DigitData.Load(options.DataPath, options.Seed);
    options.CheckAgainst(train.Count);
    AnsiConsole.MarkupLine($"[bold]AutoDiff digits demo[/]: {Markup.Escape(source)}");
    var trainers = new List<DigitsTrainer>();
    if (options.Task is "multiclass" or "both") trainers.Add(new DigitsTrainer(options, train, test, binary: false));
    if (options.Task is "binary" or "both") trainers.Add(new DigitsTrainer(options, train, test, binary: true));
    AnsiConsole.MarkupLine($"{trainers[0].Model.Describe(options)}, {options.Optimizer} lr {options.LearningRate}, batch {options.BatchSize}, augmentation {(options.Augment ? "on" : "off")}");

    // A live bar on a terminal; one line per epoch when the output is a file or a pipe.
    if (!AnsiConsole.Profile.Capabilities.Interactive)
    {
        foreach (var trainer in trainers)
            trainer.Run(e => Console.WriteLine($"{trainer.Name,-10} epoch {e.Epoch,3}/{trainer.Epochs}  loss {e.TrainLoss:F4}  test acc {e.TestAccuracy:P2}  {e.Seconds,6:F1} s"));
    }
    else AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(ctx =>
        {
            foreach (var trainer in trainers)
            {
                var task = ctx.AddTask($"{trainer.Name,-10} starting", maxValue: trainer.Epochs);
                trainer.Run(e =>
                {
                    task.Description = $"{trainer.Name,-10} epoch {e.Epoch,3}/{trainer.Epochs}  loss {e.TrainLoss:F4}  test acc {e.TestAccuracy:P2}";
                    task.Increment(1);
                });
            }
        });

    var written = new List<string>();
    var summary = new Table().AddColumns("task", "question", "test accuracy", "final loss", "epochs", "seconds");
    foreach (var trainer in trainers)
    {
        var last = trainer.History[^1];
        summary.AddRow(trainer.Name, trainer.Question, $"{last.TestAccuracy:P2}", $"{last.TrainLoss:F4}", $"{last.Epoch}", $"{last.Seconds:F1}");
        string plot = Path.Combine(options.OutputDirectory, $"digits-{trainer.Name}.png");
        TrainingPlot.Save(plot, $"AutoDiff: {trainer.Question} ({trainer.Name}, {trainer.Model.Kind} on MNIST digits)", trainer.History);
        string model = Path.Combine(options.OutputDirectory, $"digits-{trainer.Name}.admf");
        trainer.Model.Save(model);
        written.Add(plot);
        written.Add(model);
        // For ONNX Runtime and other ONNX tools.
        string onnx = Path.Combine(options.OutputDirectory, $"digits-{trainer.Name}.onnx");
        trainer.Model.ExportOnnx(onnx);
        written.Add(onnx);
    }
    AnsiConsole.Write(summary);

    var first = trainers[0];
    if (!first.Name.Equals("binary", StringComparison.Ordinal))
    {
        var (_, predicted, actual) = first.Evaluate(test);
        var m = Metrics.ConfusionMatrix(predicted, actual, 10);
        var confusion = new Table().Title("confusion matrix (rows: actual digit, columns: predicted)").AddColumn("");
        for (int c = 0; c < 10; c++) confusion.AddColumn($"{c}");
        for (int r = 0; r < 10; r++)
            confusion.AddRow([$"{r}", .. Enumerable.Range(0, 10).Select(c => r == c ? $"[green]{m[r, c]}[/]" : m[r, c] == 0 ? "[grey]·[/]" : $"{m[r, c]}")]);
        AnsiConsole.Write(confusion);
    }

    // The graph of one forward pass (a single digit through the first model), with gradients.
    var tape = new Tape();
    var image = new float[train.Pixels];
    train.CopyImages([0], image);
    var output = first.Model.Forward(first.Model.Input(tape, image, 1));
    var loss = first.Name == "binary"
        ? Losses.BinaryCrossEntropyFromLogits(output, tape.Constant<float>([train.Labels[0] == DigitsTrainer.PositiveDigit ? 1f : 0f], new Shape(1, 1)))
        : Losses.CrossEntropyFromLogits(output, [train.Labels[0]]);
    tape.Backward(loss);
    string dot = Path.Combine(options.OutputDirectory, $"digits-{first.Name}-graph.dot");
    File.WriteAllText(dot, GraphViz.ToDot(loss, $"digits_{first.Name}"));
    written.Add(dot);

    AnsiConsole.MarkupLine($"Total time {clock.Elapsed.TotalSeconds:F1} s. Wrote:");
    foreach (var path in written) AnsiConsole.MarkupLine($"  {Markup.Escape(Path.GetFullPath(path))}");
    return 0;
}
catch (DemoUsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine("Run with --help to see the options.");
    return 2;
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or ArithmeticException or NotSupportedException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
