using AutoDiff;

namespace AutoDiff.Benchmarks;

/// <summary>The whole functions the benchmarks differentiate, written once; the generator adds their Gradient and Tangent.</summary>
public static partial class WholeFunctionObjectives
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

    /// <summary>The standard normal CDF by Abramowitz–Stegun 7.1.26 (error &lt; 1.5e-7).</summary>
    [Differentiable]
    public static double NormalCdf(double x)
    {
        double z = Math.Abs(x) / Math.Sqrt(2);
        double u = 1 / (1 + 0.3275911 * z);
        double erfc = u * (0.254829592 + u * (-0.284496736 + u * (1.421413741 + u * (-1.453152027 + u * 1.061405429)))) * Math.Exp(-z * z);
        if (x >= 0) return 1 - 0.5 * erfc;
        return 0.5 * erfc;
    }

    /// <summary>Black–Scholes price of a European call; its gradient holds the five first-order Greeks.</summary>
    [Differentiable]
    public static double BlackScholes(double s, double k, double t, double r, double sigma)
    {
        double sq = sigma * Math.Sqrt(t);
        double d1 = (Math.Log(s / k) + (r + 0.5 * sigma * sigma) * t) / sq;
        double d2 = d1 - sq;
        return s * NormalCdf(d1) - k * Math.Exp(-r * t) * NormalCdf(d2);
    }

    /// <summary>Negative log-likelihood of logistic regression: rows of x (d = w.Length columns), labels y.</summary>
    [Differentiable]
    public static double LogisticLoss(ReadOnlySpan<double> w, [Constant] ReadOnlySpan<double> x, [Constant] ReadOnlySpan<double> y)
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
}
