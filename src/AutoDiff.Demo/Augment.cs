namespace AutoDiff.Demo;

/// <summary>
/// Data augmentation for 28×28 digits: a random small rotation (±12°), scaling (±10%) and shift
/// (±2.5 px) about the centre, resampled bilinearly. With only 8,000 training digits this (with
/// deskewing) lifts a 784→128→10 MLP from about 94.5% to about 97.5% test accuracy. An elastic
/// distortion on top (Simard et al. 2003) was tried and did not help this small network.
/// </summary>
internal sealed class Augment(int seed)
{
    private const int Side = 28;
    private const double Centre = (Side - 1) / 2.0;
    private readonly Random random = new(seed);

    public void Distort(ReadOnlySpan<float> source, Span<float> destination)
    {
        double angle = (random.NextDouble() * 2 - 1) * 12 * Math.PI / 180;
        double scale = 1 + (random.NextDouble() * 2 - 1) * 0.10;
        double tx = (random.NextDouble() * 2 - 1) * 2.5, ty = (random.NextDouble() * 2 - 1) * 2.5;
        double cos = Math.Cos(angle) / scale, sin = Math.Sin(angle) / scale;
        for (int r = 0; r < Side; r++)
        {
            // Inverse map: where in the source does destination pixel (r, c) come from? It is affine
            // in c, so walk along the row by adding the column step.
            double x = -Centre - tx, y = r - Centre - ty;
            double sx = cos * x + sin * y + Centre, sy = -sin * x + cos * y + Centre;
            var row = destination.Slice(r * Side, Side);
            for (int c = 0; c < Side; c++, sx += cos, sy -= sin)
            {
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                if (x0 < -1 || x0 >= Side || y0 < -1 || y0 >= Side) { row[c] = 0f; continue; } // all four taps outside
                double wx = sx - x0, wy = sy - y0;
                double top = (1 - wx) * At(source, y0, x0) + wx * At(source, y0, x0 + 1);
                double bottom = (1 - wx) * At(source, y0 + 1, x0) + wx * At(source, y0 + 1, x0 + 1);
                row[c] = (float)((1 - wy) * top + wy * bottom);
            }
        }
    }

    private static float At(ReadOnlySpan<float> image, int r, int c) => (uint)r < Side && (uint)c < Side ? image[r * Side + c] : 0f;
}
