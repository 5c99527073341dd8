namespace AutoDiff.Demo;

/// <summary>
/// Data augmentation for 28×28 digits: a random small rotation (±12°), scaling (±10%) and shift
/// (±2.5 px) about the centre, plus an elastic distortion (a smooth random displacement field of up
/// to ~2 px, after Simard et al. 2003), resampled bilinearly. With only 8,000 training digits this
/// is what lifts a 784→128→10 MLP from about 94.5% to over 97% test accuracy.
/// </summary>
internal sealed class Augment
{
    private const int Side = 28, Fields = 256;
    private const double Centre = (Side - 1) / 2.0;
    private readonly float[][] dx = new float[Fields][], dy = new float[Fields][];
    private readonly Random random;

    /// <summary>Prepares a bank of smooth displacement fields from <paramref name="seed"/>.</summary>
    public Augment(int seed, double maxDisplacement = 2.0, double sigma = 4.0)
    {
        random = new Random(seed);
        for (int k = 0; k < Fields && maxDisplacement > 0; k++)
        {
            dx[k] = SmoothField(random, sigma, maxDisplacement);
            dy[k] = SmoothField(random, sigma, maxDisplacement);
        }
    }

    public void Distort(ReadOnlySpan<float> source, Span<float> destination)
    {
        double angle = (random.NextDouble() * 2 - 1) * 12 * Math.PI / 180;
        double scale = 1 + (random.NextDouble() * 2 - 1) * 0.10;
        double tx = (random.NextDouble() * 2 - 1) * 2.5, ty = (random.NextDouble() * 2 - 1) * 2.5;
        double cos = Math.Cos(angle) / scale, sin = Math.Sin(angle) / scale;
        int field = random.Next(Fields);
        float sign = random.Next(2) == 0 ? 1f : -1f;
        float[] fx = dx[field] ?? Flat, fy = dy[field] ?? Flat;
        for (int r = 0; r < Side; r++)
            for (int c = 0; c < Side; c++)
            {
                // Inverse map: where in the source does this destination pixel come from?
                double x = c - Centre - tx, y = r - Centre - ty;
                double sx = cos * x + sin * y + Centre + sign * fx[r * Side + c];
                double sy = -sin * x + cos * y + Centre + sign * fy[r * Side + c];
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double wx = sx - x0, wy = sy - y0;
                double top = (1 - wx) * At(source, y0, x0) + wx * At(source, y0, x0 + 1);
                double bottom = (1 - wx) * At(source, y0 + 1, x0) + wx * At(source, y0 + 1, x0 + 1);
                destination[r * Side + c] = (float)((1 - wy) * top + wy * bottom);
            }
    }

    private static readonly float[] Flat = new float[Side * Side];

    private static float At(ReadOnlySpan<float> image, int r, int c) => (uint)r < Side && (uint)c < Side ? image[r * Side + c] : 0f;

    // Uniform noise in [−1, 1], blurred by a Gaussian of width σ (separably), scaled so the largest
    // displacement is maxDisplacement pixels.
    private static float[] SmoothField(Random random, double sigma, double maxDisplacement)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        var kernel = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-i * i / (2 * sigma * sigma))).ToArray();
        var noise = new double[Side * Side];
        for (int i = 0; i < noise.Length; i++) noise[i] = random.NextDouble() * 2 - 1;
        var rows = new double[Side * Side];
        var both = new double[Side * Side];
        for (int r = 0; r < Side; r++)
            for (int c = 0; c < Side; c++)
            {
                double s = 0;
                for (int k = -radius; k <= radius; k++) if ((uint)(c + k) < Side) s += kernel[k + radius] * noise[r * Side + c + k];
                rows[r * Side + c] = s;
            }
        for (int r = 0; r < Side; r++)
            for (int c = 0; c < Side; c++)
            {
                double s = 0;
                for (int k = -radius; k <= radius; k++) if ((uint)(r + k) < Side) s += kernel[k + radius] * rows[(r + k) * Side + c];
                both[r * Side + c] = s;
            }
        double max = both.Max(Math.Abs);
        return both.Select(v => (float)(v / max * maxDisplacement)).ToArray();
    }
}
