namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// Runs a few training steps in TorchSharp, in AutoDiff and in the float64 <see cref="ReferenceMlp"/> from the
/// same <see cref="MlpBenchData"/> and requires all three losses to agree; run with <c>--check</c>.
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
        output.WriteLine($"{"batch",5} {"step",4} {"TorchSharp (f32)",18} {"AutoDiff (f32)",18} {"reference (f64)",18} {"rel diff",10} {"rel diff",10}");
        foreach (int batch in batches)
        {
            var data = new MlpBenchData(batch);
            var reference = new ReferenceMlp(data, MlpBenchData.LearningRate);
            using var torchMlp = new TorchMlp(data, MlpBenchData.LearningRate);
            var autoDiff = new AutoDiffMlp(data, MlpBenchData.LearningRate);
            for (int step = 1; step <= Steps; step++)
            {
                double expected = reference.Step();
                float torch = torchMlp.Step(), ours = autoDiff.Step();
                double relTorch = Math.Abs(torch - expected) / Math.Abs(expected);
                double relOurs = Math.Abs(ours - expected) / Math.Abs(expected);
                bool pass = relTorch <= Tolerance && relOurs <= Tolerance;
                ok &= pass;
                output.WriteLine($"{batch,5} {step,4} {torch,18:R} {ours,18:R} {expected,18:R} {relTorch,10:E2} {relOurs,10:E2}{(pass ? "" : "  MISMATCH")}");
            }
        }
        output.WriteLine(ok ? $"OK: all losses agree to {Tolerance:E0} relative." : $"FAILED: losses differ by more than {Tolerance:E0} relative.");
        return ok;
    }
}
