namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// Part of <c>--check</c>: the benchmarked convolutions and CNN compute the same numbers in both
/// libraries. For each conv shape, y, ∂/∂x and ∂/∂w agree; for the CNN (dropout off, so both are
/// deterministic), the losses of 3 SGD steps agree.
/// </summary>
public static class ConvCheck
{
    public const double Tolerance = 1e-4;

    public static bool Run(TextWriter output)
    {
        bool ok = true;
        output.WriteLine($"conv2d forward and both gradients, AutoDiff vs TorchSharp (max |difference| / max |value|):");
        foreach (var shape in new[] { "1x28x28*8x1x5x5", "8x12x12*16x8x5x5" })
        {
            var data = ConvBenchData.ForShape(shape);
            using var torch = new TorchConv(data);
            var (ty, tgx, tgw) = torch.Results();
            var (ay, agx, agw) = new AutoDiffConv(data).Results();
            double ey = Error(ay, ty), ex = Error(agx, tgx), ew = Error(agw, tgw);
            bool pass = ey <= Tolerance && ex <= Tolerance && ew <= Tolerance;
            ok &= pass;
            output.WriteLine($"  {shape,-18} y {ey:E2}  ∂x {ex:E2}  ∂w {ew:E2}{(pass ? "" : "  MISMATCH")}");
        }
        output.WriteLine($"CNN (dropout off) SGD lr {CnnBenchData.LearningRate}, batch 32: losses");
        var cnnData = new CnnBenchData(32);
        using var torchCnn = new TorchCnn(cnnData, dropout: false);
        var ours = new AutoDiffCnn(cnnData, dropout: false);
        for (int step = 1; step <= 3; step++)
        {
            float t = torchCnn.Step(), a = ours.Step();
            double rel = Math.Abs(a - t) / Math.Abs(t);
            bool pass = rel <= Tolerance;
            ok &= pass;
            output.WriteLine($"  step {step}: TorchSharp {t:R}  AutoDiff {a:R}  rel diff {rel:E2}{(pass ? "" : "  MISMATCH")}");
        }
        output.WriteLine(ok ? $"OK: convolutions and CNN agree to {Tolerance:E0}." : "FAILED: convolutions or CNN disagree.");
        return ok;
    }

    private static double Error(float[] a, float[] b)
    {
        if (a.Length != b.Length) return double.PositiveInfinity;
        double diff = 0, scale = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs(b[i]));
        }
        return diff / Math.Max(scale, 1e-30);
    }
}
