namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// The initial weights and the synthetic batch of the CNN training-step benchmark, from seeded
/// <see cref="Random"/> streams so that both libraries train from identical numbers. The network is the
/// digits demo's CNN (<c>--model cnn</c>):
/// <code>
///   conv 5×5 1→C1 + b → max pool 2 → relu → conv 5×5 C1→C2 + b → max pool 2 → relu → flatten (C2·4·4)
///   → ·W3 + b3, relu → dropout p → ·W4 + b4 → log-softmax + NLL (mean)
/// </code>
/// Convolution weights are [O, C, 5, 5]; dense weights are in×out (<c>x·W</c>). Every weight and bias
/// is <c>U(−1/√fan_in, 1/√fan_in)</c> (PyTorch's default), drawn in the order w1, b1, w2, b2, w3, b3, w4, b4.
/// </summary>
public sealed class CnnBenchData
{
    public const int Side = 28, Kernel = 5, C1 = 16, C2 = 32, Hidden = 64, Classes = 10;
    public const int Features = C2 * 4 * 4;
    public const double Dropout = 0.25;
    public const float LearningRate = 0.05f;

    public CnnBenchData(int batch, int weightSeed = 2468, int dataSeed = 1357)
    {
        Batch = batch;
        var r = new Random(weightSeed);
        W1 = Uniform(r, C1 * Kernel * Kernel, Kernel * Kernel);
        B1 = Uniform(r, C1, Kernel * Kernel);
        W2 = Uniform(r, C2 * C1 * Kernel * Kernel, C1 * Kernel * Kernel);
        B2 = Uniform(r, C2, C1 * Kernel * Kernel);
        W3 = Uniform(r, Features * Hidden, Features);
        B3 = Uniform(r, Hidden, Features);
        W4 = Uniform(r, Hidden * Classes, Hidden);
        B4 = Uniform(r, Classes, Hidden);
        var d = new Random(dataSeed);
        X = new float[batch * Side * Side];
        for (int i = 0; i < X.Length; i++) X[i] = (float)d.NextDouble();
        Labels = new int[batch];
        for (int i = 0; i < batch; i++) Labels[i] = d.Next(Classes);
    }

    public int Batch { get; }
    public float[] X { get; }
    public int[] Labels { get; }
    public float[] W1 { get; }
    public float[] B1 { get; }
    public float[] W2 { get; }
    public float[] B2 { get; }
    public float[] W3 { get; }
    public float[] B3 { get; }
    public float[] W4 { get; }
    public float[] B4 { get; }

    private static float[] Uniform(Random r, int count, int fanIn)
    {
        double a = 1 / Math.Sqrt(fanIn);
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)((2 * r.NextDouble() - 1) * a);
        return v;
    }
}
