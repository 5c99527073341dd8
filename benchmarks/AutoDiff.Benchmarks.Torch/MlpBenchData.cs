namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// The initial weights and the synthetic batch of the 784→128→10 MLP benchmark, drawn from seeded
/// <see cref="Random"/> streams so that every library trains from identical numbers.
/// </summary>
/// <remarks>
/// Layout follows the <c>x·W</c> convention (in×out, row-major): <c>h = σ(x·W1 + b1)</c>,
/// <c>logits = h·W2 + b2</c>. Weights are Xavier uniform, <c>W ~ U(-a, a)</c> with
/// <c>a = √(6/(in+out))</c>; biases are <c>U(-1/√in, 1/√in)</c> (PyTorch's <c>Linear</c> default),
/// non-zero so that a transposed or misplaced bias shows up in the loss check.
/// Draw order from the weight seed: W1, b1, W2, b2. From the data seed: X, then the labels.
/// </remarks>
public sealed class MlpBenchData
{
    public const int Inputs = 784;
    public const int Hidden = 128;
    public const int Classes = 10;
    public const int WeightSeed = 1234;
    public const int DataSeed = 5678;

    /// <summary>
    /// SGD step size for the benchmark and the loss check: each step moves the loss by far more
    /// than the check's tolerance, without driving a batch of one to a zero loss in a few steps.
    /// </summary>
    public const float LearningRate = 0.05f;

    /// <summary>Batch size: rows of <see cref="X"/> and entries of <see cref="Labels"/>.</summary>
    public int Batch { get; }

    /// <summary>Inputs, <see cref="Batch"/>×784 row-major, each in [0, 1).</summary>
    public float[] X { get; }

    /// <summary>Class labels, each in 0..9.</summary>
    public int[] Labels { get; }

    /// <summary>First-layer weights, 784×128 row-major (in×out).</summary>
    public float[] W1 { get; }

    /// <summary>First-layer bias, 128.</summary>
    public float[] B1 { get; }

    /// <summary>Second-layer weights, 128×10 row-major (in×out).</summary>
    public float[] W2 { get; }

    /// <summary>Second-layer bias, 10.</summary>
    public float[] B2 { get; }

    public MlpBenchData(int batch, int weightSeed = WeightSeed, int dataSeed = DataSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        Batch = batch;

        var weights = new Random(weightSeed);
        W1 = XavierUniform(weights, Inputs, Hidden);
        B1 = BiasUniform(weights, Inputs, Hidden);
        W2 = XavierUniform(weights, Hidden, Classes);
        B2 = BiasUniform(weights, Hidden, Classes);

        var data = new Random(dataSeed);
        X = new float[batch * Inputs];
        for (int i = 0; i < X.Length; i++) X[i] = (float)data.NextDouble();
        Labels = new int[batch];
        for (int i = 0; i < batch; i++) Labels[i] = data.Next(Classes);
    }

    static float[] XavierUniform(Random random, int fanIn, int fanOut)
    {
        double a = Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(random, fanIn * fanOut, a);
    }

    static float[] BiasUniform(Random random, int fanIn, int fanOut) =>
        Uniform(random, fanOut, 1.0 / Math.Sqrt(fanIn));

    static float[] Uniform(Random random, int count, double a)
    {
        var w = new float[count];
        for (int i = 0; i < count; i++) w[i] = (float)((2 * random.NextDouble() - 1) * a);
        return w;
    }
}
