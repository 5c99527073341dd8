namespace AutoDiff.Benchmarks.Torch;

/// <summary>
/// Plain float64 loops for the benchmark's training step, with the backward pass written by
/// hand: the independent reference that TorchSharp (and later AutoDiff) must agree with.
/// </summary>
/// <remarks>
/// Forward: <c>z1 = x·W1 + b1</c>, <c>h = σ(z1)</c>, <c>z2 = h·W2 + b2</c>,
/// <c>L = -(1/B) Σᵢ log softmax(z2ᵢ)[yᵢ]</c>.
/// Backward: <c>dz2 = (softmax(z2) - onehot(y))/B</c>, <c>dW2 = hᵀ·dz2</c>, <c>db2 = Σᵢ dz2ᵢ</c>,
/// <c>dz1 = (dz2·W2ᵀ) ⊙ h(1-h)</c>, <c>dW1 = xᵀ·dz1</c>, <c>db1 = Σᵢ dz1ᵢ</c>.
/// Update: <c>θ ← θ - lr·dθ</c>.
/// </remarks>
public sealed class ReferenceMlp
{
    const int In = MlpBenchData.Inputs, Hid = MlpBenchData.Hidden, Out = MlpBenchData.Classes;

    readonly int _batch;
    readonly double _lr;
    readonly double[] _x;
    readonly int[] _y;
    readonly double[] _w1, _b1, _w2, _b2;

    public ReferenceMlp(MlpBenchData data, double learningRate)
    {
        _batch = data.Batch;
        _lr = learningRate;
        _x = Widen(data.X);
        _y = data.Labels;
        _w1 = Widen(data.W1);
        _b1 = Widen(data.B1);
        _w2 = Widen(data.W2);
        _b2 = Widen(data.B2);
    }

    /// <summary>One forward pass, backward pass and SGD update; returns the loss before the update.</summary>
    public double Step()
    {
        int n = _batch;

        var h = new double[n * Hid];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < Hid; j++)
            {
                double z = _b1[j];
                for (int k = 0; k < In; k++) z += _x[i * In + k] * _w1[k * Hid + j];
                h[i * Hid + j] = 1 / (1 + Math.Exp(-z));
            }

        // dz2 starts as softmax(z2), from which the log-softmax loss is read off.
        var dz2 = new double[n * Out];
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            var row = dz2.AsSpan(i * Out, Out);
            for (int c = 0; c < Out; c++)
            {
                double z = _b2[c];
                for (int j = 0; j < Hid; j++) z += h[i * Hid + j] * _w2[j * Out + c];
                row[c] = z;
            }
            double max = double.NegativeInfinity;
            foreach (double z in row) max = Math.Max(max, z);
            double sum = 0;
            foreach (double z in row) sum += Math.Exp(z - max);
            double logSumExp = max + Math.Log(sum);
            loss -= row[_y[i]] - logSumExp;
            for (int c = 0; c < Out; c++) row[c] = (Math.Exp(row[c] - logSumExp) - (c == _y[i] ? 1 : 0)) / n;
        }
        loss /= n;

        var dz1 = new double[n * Hid];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < Hid; j++)
            {
                double dh = 0;
                for (int c = 0; c < Out; c++) dh += dz2[i * Out + c] * _w2[j * Out + c];
                double hij = h[i * Hid + j];
                dz1[i * Hid + j] = dh * hij * (1 - hij);
            }

        // Every gradient above is read from the old weights, so the updates can go in place.
        for (int j = 0; j < Hid; j++)
            for (int c = 0; c < Out; c++)
            {
                double g = 0;
                for (int i = 0; i < n; i++) g += h[i * Hid + j] * dz2[i * Out + c];
                _w2[j * Out + c] -= _lr * g;
            }
        for (int c = 0; c < Out; c++)
        {
            double g = 0;
            for (int i = 0; i < n; i++) g += dz2[i * Out + c];
            _b2[c] -= _lr * g;
        }
        for (int k = 0; k < In; k++)
            for (int j = 0; j < Hid; j++)
            {
                double g = 0;
                for (int i = 0; i < n; i++) g += _x[i * In + k] * dz1[i * Hid + j];
                _w1[k * Hid + j] -= _lr * g;
            }
        for (int j = 0; j < Hid; j++)
        {
            double g = 0;
            for (int i = 0; i < n; i++) g += dz1[i * Hid + j];
            _b1[j] -= _lr * g;
        }
        return loss;
    }

    static double[] Widen(float[] values) => Array.ConvertAll(values, v => (double)v);
}
