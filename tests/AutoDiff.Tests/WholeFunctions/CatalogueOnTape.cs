namespace AutoDiff.Tests.WholeFunctions;

/// <summary>
/// The <see cref="Catalogue"/> functions written again on the scalar tape, the independent reference
/// for the generated gradients: the same arithmetic, recorded and swept by <see cref="Tape"/>.
/// </summary>
internal static class CatalogueOnTape
{
    public static Scalar Sin(Scalar x) => Scalar.Unary(x, Math.Sin(x.Value), Math.Cos(x.Value));

    public static Scalar Cos(Scalar x) => Scalar.Unary(x, Math.Cos(x.Value), -Math.Sin(x.Value));

    public static Scalar Tanh(Scalar x)
    {
        double t = Math.Tanh(x.Value);
        return Scalar.Unary(x, t, 1 - t * t);
    }

    public static Scalar Sq(Scalar x) => x * x;

    public static Scalar Rosenbrock(Scalar[] x)
    {
        Scalar f = x[0] * 0.0;
        for (int i = 0; i < x.Length - 1; i++) f += Sq(1.0 - x[i]) + 100.0 * Sq(x[i + 1] - x[i] * x[i]);
        return f;
    }

    public static Scalar Himmelblau(Scalar x, Scalar y) => Sq(x * x + y - 11.0) + Sq(x + y * y - 7.0);

    public static Scalar Beale(Scalar x, Scalar y)
        => Sq(1.5 - x + x * y) + Sq(2.25 - x + x * y * y) + Sq(2.625 - x + x * y * y * y);

    public static Scalar Booth(Scalar x, Scalar y) => Sq(x + 2.0 * y - 7.0) + Sq(2.0 * x + y - 5.0);

    public static Scalar LogisticNll(Scalar[] w, double[] x, double[] y)
    {
        Scalar loss = w[0] * 0.0;
        for (int i = 0; i < y.Length; i++)
        {
            Scalar z = w[0] * x[i * w.Length];
            for (int j = 1; j < w.Length; j++) z += w[j] * x[i * w.Length + j];
            loss += Scalar.Log(1.0 + Scalar.Exp(z)) - y[i] * z;
        }
        return loss;
    }

    public static Scalar SoftmaxCrossEntropy(Scalar[] z, int label)
    {
        Scalar m = z[0];
        for (int i = 1; i < z.Length; i++) m = Scalar.Max(m, z[i]);
        Scalar sum = Scalar.Exp(z[0] - m);
        for (int i = 1; i < z.Length; i++) sum += Scalar.Exp(z[i] - m);
        return Scalar.Log(sum) + m - z[label];
    }

    public static Scalar MlpLoss(Scalar[] w1, Scalar[] b1, Scalar[] w2, Scalar b2, double[] input, Scalar target)
    {
        Scalar output = b2;
        for (int j = 0; j < b1.Length; j++)
        {
            Scalar z = b1[j];
            for (int k = 0; k < input.Length; k++) z += w1[j * input.Length + k] * input[k];
            output += w2[j] * Tanh(z);
        }
        return 0.5 * Sq(output - target);
    }

    public static Scalar Horner(Scalar t, Scalar[] c)
    {
        Scalar s = c[^1];
        for (int i = c.Length - 2; i >= 0; i--) s = s * t + c[i];
        return s;
    }

    public static Scalar HuberLoss(Scalar[] p, double[] y, Scalar delta)
    {
        Scalar f = delta * 0.0;
        for (int i = 0; i < p.Length; i++)
        {
            Scalar r = p[i] - y[i];
            f += Math.Abs(r.Value) <= delta.Value ? 0.5 * r * r : delta * (Scalar.Abs(r) - 0.5 * delta);
        }
        return f;
    }

    public static Scalar NormalCdf(Scalar x)
    {
        Scalar z = Scalar.Abs(x) / Math.Sqrt(2);
        Scalar u = 1.0 / (1.0 + 0.3275911 * z);
        Scalar erfc = u * (0.254829592 + u * (-0.284496736 + u * (1.421413741 + u * (-1.453152027 + u * 1.061405429)))) * Scalar.Exp(-z * z);
        return x.Value >= 0 ? 1.0 - 0.5 * erfc : 0.5 * erfc;
    }

    public static Scalar BlackScholes(Scalar s, Scalar k, Scalar t, Scalar r, Scalar sigma)
    {
        Scalar sq = sigma * Scalar.Sqrt(t);
        Scalar d1 = (Scalar.Log(s / k) + (r + 0.5 * sigma * sigma) * t) / sq;
        Scalar d2 = d1 - sq;
        return s * NormalCdf(d1) - k * Scalar.Exp(-r * t) * NormalCdf(d2);
    }

    public static Scalar GaussianLogLikelihood(Scalar mu, Scalar logSigma, double[] data)
    {
        Scalar sigma = Scalar.Exp(logSigma);
        Scalar sum = mu * 0.0;
        foreach (double d in data)
        {
            Scalar r = (d - mu) / sigma;
            sum += -0.5 * r * r - logSigma - 0.918938533204672742;
        }
        return sum;
    }

    public static Scalar PairEnergy(Scalar[] x)
    {
        Scalar e = x[0] * 0.0;
        for (int i = 0; i < x.Length; i++)
            for (int j = i + 1; j < x.Length; j++) e += 1.0 / (Sq(x[i] - x[j]) + 1.0);
        return e;
    }

    public static Scalar Composite(Scalar u, Scalar v) => Himmelblau(u * v, v) + Booth(u, v * v) + 0.5 * Beale(u / 4.0, v / 4.0);

    public static Scalar ChainedHimmelblau(Scalar[] x)
    {
        Scalar s = x[0] * 0.0;
        for (int i = 0; i < x.Length - 1; i++) s += Himmelblau(x[i], x[i + 1]);
        return s;
    }

    public static Scalar Product(Scalar[] x)
    {
        Scalar p = x[0];
        for (int i = 1; i < x.Length; i++) p *= x[i];
        return p;
    }

    public static Scalar LogSumExp(Scalar[] x)
    {
        Scalar m = x[0];
        Scalar s = x[0] * 0.0 + 1.0;
        for (int i = 1; i < x.Length; i++)
        {
            Scalar next = Scalar.Max(m, x[i]);
            s = s * Scalar.Exp(m - next) + Scalar.Exp(x[i] - next);
            m = next;
        }
        return m + Scalar.Log(s);
    }

    public static Scalar Power(Scalar x, int n)
    {
        Scalar p = x * 0.0 + 1.0;
        for (int k = 0; k < n; k++) p *= x;
        return p;
    }

    public static Scalar Ackley(Scalar[] x)
    {
        Scalar squares = x[0] * 0.0, cosines = x[0] * 0.0;
        foreach (var v in x)
        {
            squares += v * v;
            cosines += Cos(2 * Math.PI * v);
        }
        return -20.0 * Scalar.Exp(-0.2 * Scalar.Sqrt(squares / x.Length)) - Scalar.Exp(cosines / x.Length) + 20.0 + Math.E;
    }

    public static Scalar Rastrigin(Scalar[] x)
    {
        Scalar f = x[0] * 0.0 + 10.0 * x.Length;
        foreach (var v in x) f += v * v - 10.0 * Cos(2 * Math.PI * v);
        return f;
    }

    public static Scalar StyblinskiTang(Scalar[] x)
    {
        Scalar f = x[0] * 0.0;
        foreach (var v in x) f += v * v * v * v - 16.0 * v * v + 5.0 * v;
        return f / 2.0;
    }

    public static Scalar Norm2(Scalar[] x)
    {
        Scalar s = x[0] * x[0];
        for (int i = 1; i < x.Length; i++) s += x[i] * x[i];
        return Scalar.Sqrt(s);
    }

    public static Scalar Variance(Scalar[] x)
    {
        Scalar mean = x[0];
        for (int i = 1; i < x.Length; i++) mean += x[i];
        mean /= x.Length;
        Scalar v = x[0] * 0.0;
        foreach (var e in x) v += Sq(e - mean);
        return v / (x.Length - 1);
    }

    public static Scalar CompoundOps(Scalar[] x)
    {
        Scalar v = x[0] * 0.0 + 1.0;
        foreach (var e in x)
        {
            v += e;
            v *= 0.5 + 0.1 * e;
            v -= 0.2 * e * e;
            v /= 1.5 + e * e;
        }
        return v;
    }

    public static Scalar SmoothAbsSum(Scalar[] x)
    {
        Scalar s = x[0] * 0.0;
        foreach (var e in x) s += Math.Abs(e.Value) > 1 ? Scalar.Abs(e) - 0.5 : 0.5 * e * e;
        return s;
    }

    public static Scalar Ridge(Scalar[] w, Scalar lambda, double[] x, double[] y, int stride)
    {
        Scalar loss = lambda * 0.0;
        for (int i = 0; i < y.Length; i++)
        {
            Scalar prediction = w[0] * x[i * stride];
            for (int j = 1; j < stride; j++) prediction += w[j] * x[i * stride + j];
            loss += Sq(prediction - y[i]);
        }
        Scalar penalty = w[0] * w[0];
        for (int j = 1; j < w.Length; j++) penalty += w[j] * w[j];
        return loss + lambda * lambda * penalty;
    }

    public static Scalar Piecewise(Scalar x, Scalar y)
    {
        Scalar r = x * x + y * y;
        if (r.Value < 1) return Sq(1.0 - r) * Scalar.Exp(x);
        Scalar outer = Scalar.Sqrt(r) - 1.0;
        return -outer * Sin(y) + x / (1.0 + r);
    }

    public static Scalar Oscillator(Scalar a, Scalar b, Scalar omega, double[] t)
    {
        Scalar f = a * 0.0;
        foreach (double ti in t) f += Sq(a * Sin(omega * ti) + b * Cos(omega * ti));
        return f;
    }

    public static Scalar EverySecondFromTheEnd(Scalar[] x)
    {
        Scalar s = x[0] * 0.0;
        for (int i = x.Length - 1; i >= 0; i -= 2) s += Scalar.Exp(x[i] / 4.0) * (i + 1);
        return s;
    }

    public static Scalar InclusiveBound(Scalar[] x)
    {
        int last = x.Length - 1;
        Scalar s = x[0] * 0.0;
        for (int i = 0; i <= last; i++) s += Sin(x[i]) * x[last - i];
        for (int i = 1; i < x.Length; i += 3) s *= 1.0 + x[i] * x[i] / 8.0;
        return s;
    }

    public static Scalar SoftClampedWalk(Scalar[] x)
    {
        Scalar position = x[0] * 0.0;
        foreach (var e in x)
        {
            position += e;
            position = position.Value > 1 ? 1.0 + Scalar.Log(position) : position * (1.0 + 0.1 * position);
        }
        return position * position;
    }
}
