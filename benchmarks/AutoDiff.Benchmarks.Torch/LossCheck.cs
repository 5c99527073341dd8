namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// Runs a few training steps in TorchSharp and in the float64 <see cref="ReferenceMlp"/> from the
/// same <see cref="MlpBenchData"/> and requires their losses to agree; run with <c>--check</c>.
/// A wrong weight layout or gradient shows up from the second loss on.
/// </summary>
public static class LossCheck
{
    public const int Steps = 3;

    /// <summary>Relative tolerance between the float32 TorchSharp loss and the float64 reference.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Prints the losses for each batch size and returns false if any pair disagrees.</summary>
    public static bool Run(TextWriter output, params int[] batches)
    {
        bool ok = true;
        output.WriteLine($"MLP 784-128-10, sigmoid, log-softmax+NLL (mean), SGD lr={MlpBenchData.LearningRate}, {Steps} steps");
        output.WriteLine($"{"batch",5} {"step",4} {"TorchSharp (f32)",18} {"reference (f64)",18} {"rel diff",10}");
        foreach (int batch in batches)
        {
            var data = new MlpBenchData(batch);
            var reference = new ReferenceMlp(data, MlpBenchData.LearningRate);
            using var torchMlp = new TorchMlp(data, MlpBenchData.LearningRate);
            for (int step = 1; step <= Steps; step++)
            {
                double expected = reference.Step();
                float actual = torchMlp.Step();
                double rel = Math.Abs(actual - expected) / Math.Abs(expected);
                bool pass = rel <= Tolerance;
                ok &= pass;
                output.WriteLine($"{batch,5} {step,4} {actual,18:R} {expected,18:R} {rel,10:E2}{(pass ? "" : "  MISMATCH")}");
            }
        }
        output.WriteLine(ok ? $"OK: all losses agree to {Tolerance:E0} relative." : $"FAILED: losses differ by more than {Tolerance:E0} relative.");
        return ok;
    }
}
