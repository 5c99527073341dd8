using System.Numerics;
using AutoDiff;

namespace AutoDiff.Tests.WholeFunctions;

/// <summary>
/// Whole functions written in plain C#, differentiated by the generator: optimisation test functions,
/// losses over constant data, a network written with loops, finance, statistics, and every construct
/// (nested and triangular loops, checkpointed loop state, stored inner-loop results, branches in loops,
/// tail ifs, calls between whole functions, float, double and generic). Each has a row in
/// <see cref="CatalogueCases"/> with the same function written on the scalar tape.
/// </summary>
public static partial class Catalogue
{
    /// <summary>Σ (1 − xᵢ)² + 100 (xᵢ₊₁ − xᵢ²)², as in the issue.</summary>
    [Differentiable]
    public static double Rosenbrock(ReadOnlySpan<double> x)
    {
        double f = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = 1 - x[i], b = x[i + 1] - x[i] * x[i];
            f += a * a + 100 * b * b;
        }
        return f;
    }

    [Differentiable]
    public static double Himmelblau(double x, double y) => (x * x + y - 11) * (x * x + y - 11) + (x + y * y - 7) * (x + y * y - 7);

    [Differentiable]
    public static T Beale<T>(T x, T y) where T : IFloatingPointIeee754<T>
    {
        T a = T.CreateChecked(1.5) - x + x * y;
        T b = T.CreateChecked(2.25) - x + x * y * y;
        T c = T.CreateChecked(2.625) - x + x * y * y * y;
        return a * a + b * b + c * c;
    }

    [Differentiable]
    public static T Booth<T>(T x, T y) where T : IFloatingPointIeee754<T>
        => T.Pow(x + T.CreateChecked(2) * y - T.CreateChecked(7), T.CreateChecked(2)) + T.Pow(T.CreateChecked(2) * x + y - T.CreateChecked(5), T.CreateChecked(2));

    /// <summary>Logistic-regression negative log-likelihood: rows of x (d = w.Length columns), labels y; an inner dot-product loop whose result is stored.</summary>
    [Differentiable]
    public static double LogisticNll(ReadOnlySpan<double> w, [Constant] ReadOnlySpan<double> x, [Constant] ReadOnlySpan<double> y)
    {
        int d = w.Length;
        double loss = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double z = 0;
            for (int j = 0; j < d; j++) z += w[j] * x[i * d + j];
            loss += Math.Log(1 + Math.Exp(z)) - y[i] * z;
        }
        return loss;
    }

    /// <summary>−log softmax(z)[label], with the running maximum for stability (a checkpointed loop).</summary>
    [Differentiable]
    public static T SoftmaxCrossEntropy<T>(ReadOnlySpan<T> z, int label) where T : IFloatingPointIeee754<T>
    {
        T m = z[0];
        for (int i = 1; i < z.Length; i++) m = T.Max(m, z[i]);
        T sum = T.Zero;
        for (int i = 0; i < z.Length; i++) sum += T.Exp(z[i] - m);
        return T.Log(sum) + m - z[label];
    }

    /// <summary>½(y − target)² of a one-hidden-layer tanh network written with loops over weight spans (w1 is h×d, row-major).</summary>
    [Differentiable]
    public static double MlpLoss(ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, double b2, [Constant] ReadOnlySpan<double> input, double target)
    {
        int d = input.Length;
        double output = b2;
        for (int j = 0; j < b1.Length; j++)
        {
            double z = b1[j];
            for (int k = 0; k < d; k++) z += w1[j * d + k] * input[k];
            output += w2[j] * Math.Tanh(z);
        }
        double e = output - target;
        return 0.5 * e * e;
    }

    /// <summary>c₀ + c₁t + … by Horner's rule: s is overwritten every iteration and read by ∂/∂t (a checkpoint stack).</summary>
    [Differentiable]
    public static T Horner<T>(T t, ReadOnlySpan<T> c) where T : IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        for (int i = c.Length - 1; i >= 0; i--) s = s * t + c[i];
        return s;
    }

    /// <summary>Huber loss: a branch in the loop.</summary>
    [Differentiable]
    public static T HuberLoss<T>(ReadOnlySpan<T> p, [Constant] ReadOnlySpan<T> y, T delta) where T : IFloatingPointIeee754<T>
    {
        T f = T.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            T r = p[i] - y[i];
            if (T.Abs(r) <= delta) f += T.CreateChecked(0.5) * r * r;
            else f += delta * (T.Abs(r) - T.CreateChecked(0.5) * delta);
        }
        return f;
    }

    /// <summary>The standard normal CDF, hand-written (Abramowitz–Stegun 7.1.26 for erfc, error &lt; 1.5e-7): a tail branch.</summary>
    [Differentiable]
    public static double NormalCdf(double x)
    {
        double z = Math.Abs(x) / Math.Sqrt(2);
        double u = 1 / (1 + 0.3275911 * z);
        double erfc = u * (0.254829592 + u * (-0.284496736 + u * (1.421413741 + u * (-1.453152027 + u * 1.061405429)))) * Math.Exp(-z * z);
        if (x >= 0) return 1 - 0.5 * erfc;
        return 0.5 * erfc;
    }

    /// <summary>Black–Scholes price of a European call: its gradient is the five first-order Greeks (delta, ∂/∂K, theta by ∂/∂T, rho, vega).</summary>
    [Differentiable]
    public static double BlackScholes(double s, double k, double t, double r, double sigma)
    {
        double sq = sigma * Math.Sqrt(t);
        double d1 = (Math.Log(s / k) + (r + 0.5 * sigma * sigma) * t) / sq;
        double d2 = d1 - sq;
        return s * NormalCdf(d1) - k * Math.Exp(-r * t) * NormalCdf(d2);
    }

    /// <summary>Gaussian log-likelihood of data under N(μ, e^{2 log σ}).</summary>
    [Differentiable]
    public static T GaussianLogLikelihood<T>(T mu, T logSigma, [Constant] ReadOnlySpan<T> data) where T : IFloatingPointIeee754<T>
    {
        T sigma = T.Exp(logSigma);
        T sum = T.Zero;
        for (int i = 0; i < data.Length; i++)
        {
            T r = (data[i] - mu) / sigma;
            sum += T.CreateChecked(-0.5) * r * r - logSigma - T.CreateChecked(0.918938533204672742);
        }
        return sum;
    }

    /// <summary>Σᵢ&lt;ⱼ 1/((xᵢ − xⱼ)² + 1): a triangular nested loop.</summary>
    [Differentiable]
    public static double PairEnergy(ReadOnlySpan<double> x)
    {
        double e = 0;
        for (int i = 0; i < x.Length; i++)
            for (int j = i + 1; j < x.Length; j++)
            {
                double d = x[i] - x[j];
                e += 1 / (d * d + 1);
            }
        return e;
    }

    /// <summary>Calls between whole functions: through their generated Gradient and Tangent.</summary>
    [Differentiable]
    public static double Composite(double u, double v) => Himmelblau(u * v, v) + Booth(u, v * v) + 0.5 * Beale(u / 4, v / 4);

    /// <summary>Calls in a loop: Σ Himmelblau(xᵢ, xᵢ₊₁).</summary>
    [Differentiable]
    public static double ChainedHimmelblau(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < x.Length - 1; i++) s += Himmelblau(x[i], x[i + 1]);
        return s;
    }

    /// <summary>Π xᵢ by p *= xᵢ (the partial of each factor reads the running product).</summary>
    [Differentiable]
    public static T Product<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        T p = T.One;
        for (int i = 0; i < x.Length; i++) p *= x[i];
        return p;
    }

    /// <summary>log Σ e^{xᵢ} with the running maximum in the same loop as the rescaled sum.</summary>
    [Differentiable]
    public static double LogSumExp(ReadOnlySpan<double> x)
    {
        double m = x[0];
        double s = 1;
        for (int i = 1; i < x.Length; i++)
        {
            double next = Math.Max(m, x[i]);
            s = s * Math.Exp(m - next) + Math.Exp(x[i] - next);
            m = next;
        }
        return m + Math.Log(s);
    }

    /// <summary>xⁿ by a loop of n multiplications.</summary>
    [Differentiable]
    public static double Power(double x, int n)
    {
        double p = 1;
        for (int k = 0; k < n; k++) p *= x;
        return p;
    }

    [Differentiable]
    public static double Ackley(ReadOnlySpan<double> x)
    {
        double squares = 0, cosines = 0;
        for (int i = 0; i < x.Length; i++)
        {
            squares += x[i] * x[i];
            cosines += Math.Cos(2 * Math.PI * x[i]);
        }
        return -20 * Math.Exp(-0.2 * Math.Sqrt(squares / x.Length)) - Math.Exp(cosines / x.Length) + 20 + Math.E;
    }

    [Differentiable]
    public static double Rastrigin(ReadOnlySpan<double> x)
    {
        double f = 10 * x.Length;
        for (int i = 0; i < x.Length; i++) f += x[i] * x[i] - 10 * Math.Cos(2 * Math.PI * x[i]);
        return f;
    }

    /// <summary>Rastrigin in float with MathF, compared with the double one.</summary>
    [Differentiable]
    public static float RastriginF(ReadOnlySpan<float> x)
    {
        float f = 10f * x.Length;
        for (int i = 0; i < x.Length; i++) f += x[i] * x[i] - 10f * MathF.Cos(2f * MathF.PI * x[i]);
        return f;
    }

    [Differentiable]
    public static T StyblinskiTang<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        T f = T.Zero;
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            T v2 = v * v;
            f += v2 * v2 - T.CreateChecked(16) * v2 + T.CreateChecked(5) * v;
        }
        return f / T.CreateChecked(2);
    }

    [Differentiable]
    public static T Norm2<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        for (int i = 0; i < x.Length; i++) s += x[i] * x[i];
        return T.Sqrt(s);
    }

    /// <summary>The variance: a loop for the mean, then one that reads it.</summary>
    [Differentiable]
    public static double Variance(ReadOnlySpan<double> x)
    {
        double mean = 0;
        for (int i = 0; i < x.Length; i++) mean += x[i];
        mean /= x.Length;
        double v = 0;
        for (int i = 0; i < x.Length; i++) v += (x[i] - mean) * (x[i] - mean);
        return v / (x.Length - 1);
    }

    /// <summary>Every compound assignment on one carried local in a loop.</summary>
    [Differentiable]
    public static double CompoundOps(ReadOnlySpan<double> x)
    {
        double v = 1;
        for (int i = 0; i < x.Length; i++)
        {
            v += x[i];
            v *= 0.5 + 0.1 * x[i];
            v -= 0.2 * x[i] * x[i];
            v /= 1.5 + x[i] * x[i];
        }
        return v;
    }

    /// <summary>?: inside a loop: a smooth absolute value (quadratic inside |x| ≤ 1).</summary>
    [Differentiable]
    public static T SmoothAbsSum<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        for (int i = 0; i < x.Length; i++) s += T.Abs(x[i]) > T.One ? T.Abs(x[i]) - T.CreateChecked(0.5) : T.CreateChecked(0.5) * x[i] * x[i];
        return s;
    }

    /// <summary>An array parameter, a double, constant arrays and an int: ridge regression with a stride.</summary>
    [Differentiable]
    public static double Ridge(double[] w, double lambda, [Constant] double[] x, [Constant] double[] y, int stride)
    {
        double loss = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double prediction = 0;
            for (int j = 0; j < stride; j++) prediction += w[j] * x[i * stride + j];
            double r = prediction - y[i];
            loss += r * r;
        }
        double penalty = 0;
        for (int j = 0; j < w.Length; j++) penalty += w[j] * w[j];
        return loss + lambda * lambda * penalty;
    }

    /// <summary>A tail if (an early return) over two variables.</summary>
    [Differentiable]
    public static double Piecewise(double x, double y)
    {
        double r = x * x + y * y;
        if (r < 1)
        {
            double inner = 1 - r;
            return inner * inner * Math.Exp(x);
        }
        double outer = Math.Sqrt(r) - 1;
        return -outer * Math.Sin(y) + x / (1 + r);
    }

    /// <summary>Sines and cosines over constant sample times: Σ (a sin(ωtᵢ) + b cos(ωtᵢ))².</summary>
    [Differentiable]
    public static double Oscillator(double a, double b, double omega, [Constant] ReadOnlySpan<double> t)
    {
        double f = 0;
        for (int i = 0; i < t.Length; i++)
        {
            double y = a * Math.Sin(omega * t[i]) + b * Math.Cos(omega * t[i]);
            f += y * y;
        }
        return f;
    }

    /// <summary>A descending loop in steps of 2 from the last element.</summary>
    [Differentiable]
    public static double EverySecondFromTheEnd(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = x.Length - 1; i >= 0; i -= 2) s += Math.Exp(x[i] / 4) * (i + 1);
        return s;
    }

    /// <summary>An inclusive bound from an int local, and a loop in steps of 3.</summary>
    [Differentiable]
    public static double InclusiveBound(ReadOnlySpan<double> x)
    {
        int last = x.Length - 1;
        double s = 0;
        for (int i = 0; i <= last; i++) s += Math.Sin(x[i]) * x[last - i];
        for (int i = 1; i < x.Length; i += 3) s *= 1 + x[i] * x[i] / 8;
        return s;
    }

    /// <summary>An if inside a loop that assigns a carried local read by its own partials (saved and checkpointed).</summary>
    [Differentiable]
    public static double SoftClampedWalk(ReadOnlySpan<double> x)
    {
        double position = 0;
        for (int i = 0; i < x.Length; i++)
        {
            position += x[i];
            if (position > 1) position = 1 + Math.Log(position);
            else position = position * (1 + 0.1 * position);
        }
        return position * position;
    }
}
