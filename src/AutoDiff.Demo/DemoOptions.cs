using System.Globalization;
using AutoDiff.Nn;

namespace AutoDiff.Demo;

/// <summary>What the demo trains and where it writes, parsed from the command line.</summary>
internal sealed record DemoOptions
{
    public string Task { get; init; } = "both";
    public string Model { get; init; } = "cnn";
    public int[] Hidden { get; init; } = [128];
    public string Activation { get; init; } = "relu";
    public string Loss { get; init; } = "auto";
    public string Optimizer { get; init; } = "adam";
    public double LearningRate { get; init; } = 0.002;
    public int? Epochs { get; init; }
    public int? Batch { get; init; }

    /// <summary>The mini-batch size: --batch, or 64 for the MLP and 32 for the CNN (which generalises better with more, noisier steps).</summary>
    public int BatchSize => Batch ?? (Model == "cnn" ? 32 : 64);
    public int Seed { get; init; } = 1;
    public bool Augment { get; init; } = true;
    public bool Deskew { get; init; } = true;
    public bool DetectAnomalies { get; init; }
    public string? DataPath { get; init; }
    public string OutputDirectory { get; init; } = "demo-output";
    public bool Help { get; init; }

    public static string Usage => """
        AutoDiff digits demo: learns a small CNN (or, with --model mlp, an MLP) on real MNIST digits by
        empirical risk minimisation.
          multiclass: "which digit is this?"  28×28 → … → 10, softmax + cross-entropy
          binary:     "is this a 2?"          28×28 → … → 1, sigmoid + binary cross-entropy
          (the lecture calls both losses "KL": for 0/1 targets they are the KL divergence)

        Usage: dotnet run -c Release --project src/AutoDiff.Demo -- [options]

          --task multiclass|binary|both    what to train (default both)
          --model cnn|mlp                  the network: a small CNN (default: conv 5×5 16 → pool → conv 5×5 32
                                           → pool → 64 → k, dropout 0.25; 20 epochs for multiclass and 5 for
                                           binary, batch 32), or the MLP (784 → hidden → k; 60 epochs, batch 64)
          --hidden 128[,64...]             the MLP's hidden layer widths (default 128; with --model mlp)
          --activation NAME                the MLP's hidden activation (with --model mlp): linear, sigmoid, tanh, relu, leakyrelu,
                                           elu, softplus (default relu)
          --loss auto|kl|kl-prob|l2        kl: cross-entropy (the lecture's KL) on logits, softmax /
                                           sigmoid inside the loss (Losses.*FromLogits); kl-prob: on the
                                           softmax / sigmoid output; l2: ½‖Y−d‖² on that
                                           output (default auto = kl)
          --optimizer adam|sgd|momentum    (default adam)
          --lr RATE                        initial learning rate, cosine-annealed (default 0.002)
          --epochs N                       passes over the training digits (default 20 and 5 for the CNN, 60 for the MLP)
          --batch N                        mini-batch size, at most the number of training digits (default 64; 32 for the CNN)
          --seed N                         seed for the split, initialisation, shuffling and augmentation (default 1)
          --augment on|off                 random small rotations, scalings and shifts of training digits (default on)
          --deskew on|off                  straighten slanted digits (train and test alike) before training (default on)
          --data PATH                      a digits pack (.bin.gz) or a folder with the MNIST IDX files
                                           (train-images-idx3-ubyte[.gz] and friends); default: the 10,000
                                           embedded digits, split 8,000 train / 2,000 test
          --out DIR                        where to write plots, models and the graph (default demo-output)
          --anomalies on|off               stop at the first operation that makes a NaN or ±∞ and name it
                                           (Tape.DetectAnomalies; slower; default off)
          --help                           this text
        """;

    /// <summary>Parses arguments, or throws <see cref="DemoUsageException"/> naming the bad one.</summary>
    public static DemoOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new DemoOptions();
        string? mlpOnly = null;
        for (int i = 0; i < args.Length; i++)
        {
            string key = args[i];
            if (key is "--help" or "-h" or "-?") { o = o with { Help = true }; continue; }
            if (!key.StartsWith("--", StringComparison.Ordinal)) throw new DemoUsageException($"unexpected argument '{key}'");
            if (!Known.Contains(key)) throw new DemoUsageException($"unknown option '{key}'; the options are {string.Join(", ", Known)} and --help");
            if (i + 1 >= args.Length) throw new DemoUsageException($"option {key} needs a value");
            string value = args[++i];
            if (key is "--hidden" or "--activation") mlpOnly ??= key;
            o = key switch
            {
                "--task" => o with { Task = OneOf(key, value, "multiclass", "binary", "both") },
                "--model" => o with { Model = OneOf(key, value, "mlp", "cnn") },
                "--hidden" => o with { Hidden = value.Split(',').Select(v => Int(key, v.Trim(), 1, 100_000)).ToArray() },
                "--activation" => o with { Activation = ActivationName(value) },
                "--loss" => o with { Loss = OneOf(key, value, "auto", "kl", "kl-prob", "l2") },
                "--optimizer" => o with { Optimizer = OneOf(key, value, "adam", "sgd", "momentum") },
                "--lr" => o with { LearningRate = Real(key, value) },
                "--epochs" => o with { Epochs = Int(key, value, 1, 100_000) },
                "--batch" => o with { Batch = Int(key, value, 1, 1_000_000) },
                "--seed" => o with { Seed = Int(key, value, int.MinValue, int.MaxValue) },
                "--augment" => o with { Augment = OneOf(key, value, "on", "off") == "on" },
                "--deskew" => o with { Deskew = OneOf(key, value, "on", "off") == "on" },
                "--data" => o with { DataPath = value },
                "--out" => o with { OutputDirectory = value },
                "--anomalies" => o with { DetectAnomalies = OneOf(key, value, "on", "off") == "on" },
                _ => throw new InvalidOperationException($"option {key} is listed as known but not parsed"),
            };
        }
        if (mlpOnly is not null && o.Model != "mlp")
            throw new DemoUsageException($"{mlpOnly} shapes the MLP's hidden layers; add --model mlp (the default model is the CNN)");
        return o;
    }

    private static readonly string[] Known =
        ["--task", "--model", "--hidden", "--activation", "--loss", "--optimizer", "--lr", "--epochs", "--batch", "--seed", "--augment", "--deskew", "--data", "--out", "--anomalies"];

    /// <summary>The built-in activations a hidden layer can learn through: all but the step function.</summary>
    public static IEnumerable<string> TrainableActivations => AutoDiff.Activations.Names.Where(n => n != "step");

    private static string OneOf(string key, string value, params string[] allowed) =>
        allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
        ?? throw new DemoUsageException($"{key} must be one of {string.Join(", ", allowed)}; got '{value}'");

    private static int Int(string key, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max ? v
        : throw new DemoUsageException($"{key} needs a whole number from {min} to {max}; got '{value}'");

    private static double Real(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0 ? v
        : throw new DemoUsageException($"{key} needs a positive number; got '{value}'");

    private static string ActivationName(string value)
    {
        var known = TrainableActivations.ToArray();
        string name = value.ToLowerInvariant();
        if (name is "step" or "binarystep")
            throw new DemoUsageException($"--activation {value} cannot be trained by gradient descent: its derivative is 0 wherever it exists, so no layer before it learns; choose one of {string.Join(", ", known)}");
        if (!known.Contains(name)) throw new DemoUsageException($"--activation must be one of {string.Join(", ", known)}; got '{value}'");
        return name;
    }

    /// <summary>Refuses a --batch larger than the training set (it would silently train full-batch).</summary>
    public void CheckAgainst(int trainingDigits)
    {
        if (BatchSize > trainingDigits)
            throw new DemoUsageException($"--batch {BatchSize} is larger than the {trainingDigits:N0} training digits; give at most {trainingDigits}");
    }

    /// <summary>The optimiser the options ask for.</summary>
    public Optimizer<float> CreateOptimizer() => Optimizer switch
    {
        "sgd" => new Sgd<float>(LearningRate),
        "momentum" => new Momentum<float>(LearningRate),
        _ => new Adam<float>(LearningRate),
    };
}

/// <summary>A bad command line: the message says which option and why.</summary>
internal sealed class DemoUsageException(string message) : Exception(message);
