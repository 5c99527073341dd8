namespace AutoDiff.Tests.Conv;

/// <summary>
/// Convolution and pooling written straight from PyTorch's definitions in float64, on an explicitly
/// zero-padded copy of the input: the independent reference the kernels are compared with. The
/// adjoints are the same loops with the roles of the factors exchanged.
/// </summary>
public sealed record ConvCase(int N, int C, int H, int W, int O, int KH, int KW, int Stride, int Padding, int Dilation, int Groups)
{
    public int OH => (H + 2 * Padding - Dilation * (KH - 1) - 1) / Stride + 1;
    public int OW => (W + 2 * Padding - Dilation * (KW - 1) - 1) / Stride + 1;
    public int Cg => C / Groups;
    public int Og => O / Groups;
    public int[] XShape => [N, C, H, W];
    public int[] WShape => [O, Cg, KH, KW];
    public int[] YShape => [N, O, OH, OW];

    public override string ToString() =>
        $"x [{N},{C},{H},{W}] w [{O},{Cg},{KH},{KW}] stride {Stride} padding {Padding} dilation {Dilation} groups {Groups}";

    private int Hp => H + 2 * Padding;
    private int Wp => W + 2 * Padding;

    private double[] Pad(double[] x)
    {
        var p = new double[N * C * Hp * Wp];
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int i = 0; i < H; i++)
                    for (int j = 0; j < W; j++)
                        p[((n * C + c) * Hp + i + Padding) * Wp + j + Padding] = x[((n * C + c) * H + i) * W + j];
        return p;
    }

    // Visits every (output, tap) pair with the flat indices of y, w and the padded x.
    private void ForEachProduct(Action<int, int, int> visit)
    {
        for (int n = 0; n < N; n++)
            for (int o = 0; o < O; o++)
            {
                int group = o / Og;
                for (int i = 0; i < OH; i++)
                    for (int j = 0; j < OW; j++)
                        for (int c = 0; c < Cg; c++)
                            for (int kh = 0; kh < KH; kh++)
                                for (int kw = 0; kw < KW; kw++)
                                {
                                    int yi = ((n * O + o) * OH + i) * OW + j;
                                    int wi = ((o * Cg + c) * KH + kh) * KW + kw;
                                    int xi = ((n * C + group * Cg + c) * Hp + i * Stride + kh * Dilation) * Wp + j * Stride + kw * Dilation;
                                    visit(yi, wi, xi);
                                }
            }
    }

    public double[] Forward(double[] x, double[] w)
    {
        var xp = Pad(x);
        var y = new double[N * O * OH * OW];
        ForEachProduct((yi, wi, xi) => y[yi] += w[wi] * xp[xi]);
        return y;
    }

    public double[] InputGrad(double[] gy, double[] w)
    {
        var gxp = new double[N * C * Hp * Wp];
        ForEachProduct((yi, wi, xi) => gxp[xi] += gy[yi] * w[wi]);
        var gx = new double[N * C * H * W];
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int i = 0; i < H; i++)
                    for (int j = 0; j < W; j++)
                        gx[((n * C + c) * H + i) * W + j] = gxp[((n * C + c) * Hp + i + Padding) * Wp + j + Padding];
        return gx;
    }

    public double[] WeightGrad(double[] x, double[] gy)
    {
        var xp = Pad(x);
        var gw = new double[O * Cg * KH * KW];
        ForEachProduct((yi, wi, xi) => gw[wi] += gy[yi] * xp[xi]);
        return gw;
    }
}

/// <summary>Pooling from the definition: windows of k×k, s apart, no padding.</summary>
public static class PoolReference
{
    public static double[] Max(double[] x, int n, int c, int h, int w, int k, int s, out int[] argmax)
    {
        int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
        var y = new double[n * c * oh * ow];
        argmax = new int[y.Length];
        for (int p = 0; p < n * c; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double best = double.NegativeInfinity;
                    int at = -1;
                    for (int kh = 0; kh < k; kh++)
                        for (int kw = 0; kw < k; kw++)
                        {
                            int xi = (p * h + i * s + kh) * w + j * s + kw;
                            if (at < 0 || x[xi] > best) { best = x[xi]; at = xi; }
                        }
                    y[(p * oh + i) * ow + j] = best;
                    argmax[(p * oh + i) * ow + j] = at;
                }
        return y;
    }

    public static double[] Avg(double[] x, int n, int c, int h, int w, int k, int s)
    {
        int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
        var y = new double[n * c * oh * ow];
        for (int p = 0; p < n * c; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double sum = 0;
                    for (int kh = 0; kh < k; kh++)
                        for (int kw = 0; kw < k; kw++)
                            sum += x[(p * h + i * s + kh) * w + j * s + kw];
                    y[(p * oh + i) * ow + j] = sum / (k * k);
                }
        return y;
    }
}
