namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// One convolution problem of the benchmark, <c>y = conv2d(x, w)</c> (stride 1, no padding, float32):
/// a seeded input x [N, C, H, W], weight w [O, C, K, K] and output gradient ȳ of y's shape, drawn from
/// <see cref="Random"/> so that both libraries see identical numbers.
/// </summary>
public sealed class ConvBenchData
{
    /// <summary>The two shapes: the first and second layer of the digits CNN at batch 32.</summary>
    public static ConvBenchData ForShape(string shape) => shape switch
    {
        "1x28x28*8x1x5x5" => new ConvBenchData(32, 1, 28, 28, 8, 5),
        "8x12x12*16x8x5x5" => new ConvBenchData(32, 8, 12, 12, 16, 5),
        _ => throw new ArgumentException($"Unknown shape '{shape}'.", nameof(shape)),
    };

    public ConvBenchData(int n, int c, int h, int w, int o, int k, int seed = 4321)
    {
        (N, C, H, W, O, K) = (n, c, h, w, o, k);
        var random = new Random(seed);
        X = Uniform(random, n * c * h * w, 1.0);
        Weight = Uniform(random, o * c * k * k, 1.0 / Math.Sqrt(c * k * k));
        OutputGrad = Uniform(random, n * o * OH * OW, 1.0);
    }

    public int N { get; }
    public int C { get; }
    public int H { get; }
    public int W { get; }
    public int O { get; }
    public int K { get; }
    public int OH => H - K + 1;
    public int OW => W - K + 1;

    public float[] X { get; }
    public float[] Weight { get; }
    public float[] OutputGrad { get; }

    private static float[] Uniform(Random random, int count, double a)
    {
        var v = new float[count];
        for (int i = 0; i < v.Length; i++) v[i] = (float)((2 * random.NextDouble() - 1) * a);
        return v;
    }
}
