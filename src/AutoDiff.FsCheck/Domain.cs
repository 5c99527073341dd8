namespace AutoDiff.FsCheck;

/// <summary>
/// Where an input's elements are drawn from: the interval [<see cref="Min"/>, <see cref="Max"/>],
/// staying at least <see cref="Margin"/> away from each point in <see cref="Avoid"/> (the kinks and
/// poles of a function, where finite differences are meaningless).
/// </summary>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Avoid">Points to keep away from.</param>
/// <param name="Margin">Minimum distance from each avoided point.</param>
public sealed record Domain(double Min, double Max, double[] Avoid, double Margin)
{
    /// <summary>Any value in [min, max].</summary>
    public static Domain Real(double min = -3, double max = 3) => new(min, max, [], 0);

    /// <summary>Values in [min, max] with min &gt; 0 (for log, sqrt, division).</summary>
    public static Domain Positive(double min = 0.1, double max = 4) =>
        min > 0 ? new(min, max, [], 0) : throw new ArgumentOutOfRangeException(nameof(min), $"A positive domain needs min > 0, got {min}.");

    /// <summary>Values in [min, max] at least <paramref name="margin"/> away from <paramref name="points"/>.</summary>
    public static Domain AwayFrom(double margin, double min, double max, params double[] points) => new(min, max, points, margin);

    /// <summary>True when <paramref name="x"/> belongs to the domain.</summary>
    public bool Contains(double x) => x >= Min && x <= Max && Avoid.All(p => Math.Abs(x - p) >= Margin);

    /// <summary>Maps a uniform u in [0, 1) into the domain, pushing values out of the avoided neighbourhoods.</summary>
    public double FromUnit(double u)
    {
        double x = Min + (Max - Min) * u;
        foreach (double p in Avoid)
            if (Math.Abs(x - p) < Margin) x = x < p ? p - Margin : p + Margin;
        return Math.Clamp(x, Min, Max);
    }
}
