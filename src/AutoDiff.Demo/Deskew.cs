namespace AutoDiff.Demo;

/// <summary>
/// Straightens slanted handwriting: shears each image horizontally so that its ink's second
/// moments show no slant (x' = x − α·(y − ȳ) with α = cov(x, y)/var(y)), and centres the ink's
/// centre of mass. A classic MNIST preprocessing step, applied alike to training and test digits.
/// </summary>
internal static class Deskew
{
    public static void Apply(ReadOnlySpan<float> image, Span<float> destination, int rows, int columns)
    {
        double total = 0, mx = 0, my = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                double v = image[r * columns + c];
                total += v; mx += v * c; my += v * r;
            }
        if (total <= 0) { image.CopyTo(destination); return; }
        mx /= total; my /= total;
        double vy = 0, cxy = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                double v = image[r * columns + c];
                vy += v * (r - my) * (r - my);
                cxy += v * (r - my) * (c - mx);
            }
        double alpha = vy > 0 ? cxy / vy : 0;
        double cx = (columns - 1) / 2.0, cy = (rows - 1) / 2.0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                // Destination (r, c) samples the source at the sheared, re-centred position.
                double sy = r - cy + my;
                double sx = c - cx + mx + alpha * (sy - my);
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double wx = sx - x0, wy = sy - y0;
                double top = (1 - wx) * At(image, y0, x0, rows, columns) + wx * At(image, y0, x0 + 1, rows, columns);
                double bottom = (1 - wx) * At(image, y0 + 1, x0, rows, columns) + wx * At(image, y0 + 1, x0 + 1, rows, columns);
                destination[r * columns + c] = (float)((1 - wy) * top + wy * bottom);
            }
    }

    private static float At(ReadOnlySpan<float> image, int r, int c, int rows, int columns) =>
        (uint)r < rows && (uint)c < columns ? image[r * columns + c] : 0f;
}
