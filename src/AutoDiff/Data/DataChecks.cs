namespace AutoDiff.Data;

/// <summary>Header and label checks shared by the loaders, failing with the file's name.</summary>
internal static class DataChecks
{
    /// <summary>Checks the sizes read from a header and returns the number of pixel bytes that follow.</summary>
    public static int ImageBytes(DataInput input, int count, int rows, int columns)
    {
        if (count < 0) throw input.Error($"image count {count} is negative.");
        Side(input, "row count", rows);
        Side(input, "column count", columns);
        long bytes = (long)count * rows * columns;
        if (bytes > Array.MaxLength)
            throw input.Error($"{count} images of {rows}×{columns} pixels need {bytes} bytes, more than one array can hold ({Array.MaxLength}).");
        return (int)bytes;
    }

    /// <summary>Checks that every label is a digit 0..9.</summary>
    public static void Labels(DataInput input, ReadOnlySpan<byte> labels)
    {
        int bad = DigitSet.IndexOfBadLabel(labels);
        if (bad >= 0)
            throw input.Error($"label {labels[bad]} at index {bad} is out of range 0..9.");
    }

    private static void Side(DataInput input, string what, int value)
    {
        if (value <= 0 || value > DigitSet.MaxSide)
            throw input.Error($"{what} {value} is outside 1..{DigitSet.MaxSide}.");
    }
}
