namespace AutoDiff.SideBySide;

/// <summary>Order statistics of a sample.</summary>
public static class Stats
{
    /// <summary>The q-quantile (0..1) with linear interpolation between order statistics.</summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    public static double Median(IEnumerable<double> values) => Quantile(values, 0.5);
}
