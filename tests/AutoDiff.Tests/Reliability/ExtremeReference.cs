namespace AutoDiff.Tests.Reliability;

/// <summary>
/// Float64 references written for accuracy rather than speed: each formula avoids cancellation and
/// overflow for every finite input, so it is accurate to a few ulps of float64 (checked against
/// <see cref="decimal"/> series where decimal has the range, in <see cref="ExtremeValueTests"/>).
/// </summary>
internal static class ExtremeReference
{
    /// <summary>log(1 + u) to about one ulp for u ≥ 0 (Kahan's trick: the rounding of 1 + u is divided out).</summary>
    public static double Log1p(double u)
    {
        double w = 1 + u;
        return w == 1 ? u : Math.Log(w) * u / (w - 1);
    }

    /// <summary>σ(z) from e^{−|z|} ≤ 1.</summary>
    public static double Sigmoid(double z)
    {
        double e = Math.Exp(-Math.Abs(z));
        return z >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    /// <summary>σ'(z) = σ(z)·σ(−z): a product, no cancellation.</summary>
    public static double SigmoidDerivative(double z) => Sigmoid(z) * Sigmoid(-z);

    /// <summary>tanh'(z) = sech² z = 4e^{−2|z|}/(1 + e^{−2|z|})², with no 1 − tanh² cancellation.</summary>
    public static double TanhDerivative(double z)
    {
        double e = Math.Exp(-2 * Math.Abs(z));
        return 4 * e / ((1 + e) * (1 + e));
    }

    /// <summary>softplus z = max(z, 0) + log1p(e^{−|z|}).</summary>
    public static double Softplus(double z) => Math.Max(z, 0) + Log1p(Math.Exp(-Math.Abs(z)));

    /// <summary>log Σ eˣ over a row: m + log1p(Σ_{j ≠ argmax} e^{xⱼ − m}), so a dominating logit loses nothing.</summary>
    public static double LogSumExp(ReadOnlySpan<double> row)
    {
        int arg = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[arg]) arg = j;
        double m = row[arg];
        if (double.IsNegativeInfinity(m)) return m;
        double rest = 0;
        for (int j = 0; j < row.Length; j++) if (j != arg) rest += Math.Exp(row[j] - m);
        return m + Log1p(rest);
    }

    /// <summary>softmax of a row as e^{xⱼ − m} / Σ e^{xᵢ − m}: relative accuracy whatever the size of the logits.</summary>
    public static double[] Softmax(ReadOnlySpan<double> row)
    {
        double m = double.NegativeInfinity;
        foreach (double v in row) m = Math.Max(m, v);
        var p = new double[row.Length];
        double sum = 0;
        for (int j = 0; j < p.Length; j++) sum += p[j] = Math.Exp(row[j] - m);
        for (int j = 0; j < p.Length; j++) p[j] /= sum;
        return p;
    }

    /// <summary>−log softmax(x)_c = (m − x_c) + log1p(rest): accurate even when c is the dominating class.</summary>
    public static double NegLogSoftmax(ReadOnlySpan<double> row, int c)
    {
        int arg = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[arg]) arg = j;
        double m = row[arg], rest = 0;
        for (int j = 0; j < row.Length; j++) if (j != arg) rest += Math.Exp(row[j] - m);
        return (m - row[c]) + Log1p(rest);
    }

    /// <summary>The binary KL on one logit: softplus(z) − d·z = (1 − d)·softplus(z) + d·softplus(−z), no cancellation.</summary>
    public static double BinaryKLFromLogit(double z, double d) => (1 - d) * Softplus(z) + d * Softplus(-z);

    /// <summary>e^x for |x| ≤ 60 in decimal (28 digits), by halving to |r| ≤ 1/64 and a Taylor series.</summary>
    public static decimal Exp(decimal x)
    {
        int halvings = 0;
        while (Math.Abs(x) > 1m / 64) { x /= 2; halvings++; }
        decimal term = 1, sum = 1;
        for (int n = 1; n < 30; n++) { term = term * x / n; sum += term; }
        for (int i = 0; i < halvings; i++) sum *= sum;
        return sum;
    }

    /// <summary>ln y for y &gt; 0 in decimal, by Newton's method on e^x = y from the float64 guess.</summary>
    public static decimal Log(decimal y)
    {
        decimal x = (decimal)Math.Log((double)y);
        for (int i = 0; i < 4; i++)
        {
            decimal e = Exp(x);
            x += 2 * (y - e) / (y + e);
        }
        return x;
    }
}
