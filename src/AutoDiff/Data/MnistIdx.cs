namespace AutoDiff.Data;

/// <summary>
/// Reads MNIST in its original IDX files (<c>train-images-idx3-ubyte</c> with
/// <c>train-labels-idx1-ubyte</c>, or the <c>t10k-</c> pair), plain or gzip-compressed (detected
/// by the gzip magic 1F 8B, so <c>.gz</c> downloads need no unpacking). All header integers are
/// 32-bit big-endian:
/// <code>
/// images: magic 0x00000803, count, rows, cols, then count·rows·cols pixel bytes (row-major)
/// labels: magic 0x00000801, count, then count label bytes 0..9
/// </code>
/// </summary>
public static class MnistIdx
{
    /// <summary>Magic number of an IDX file of unsigned bytes with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an images file and its labels file into one set.</summary>
    /// <exception cref="FileNotFoundException">Either file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or the two disagree on the count; the message names the file and the problem.</exception>
    public static DigitSet Read(string imagesPath, string labelsPath)
    {
        using var images = DataInput.OpenFile(imagesPath, "images");
        using var labels = DataInput.OpenFile(labelsPath, "labels");
        return Read(images, labels);
    }

    /// <summary>Reads an images stream and its labels stream into one set; both are left open.</summary>
    /// <exception cref="InvalidDataException">A stream is malformed, or the two disagree on the count.</exception>
    public static DigitSet Read(Stream images, Stream labels)
    {
        using var imagesInput = DataInput.OpenStream(images, "images stream");
        using var labelsInput = DataInput.OpenStream(labels, "labels stream");
        return Read(imagesInput, labelsInput);
    }

    private static DigitSet Read(DataInput images, DataInput labels)
    {
        ExpectMagic(images, ImagesMagic, "images");
        int count = images.ReadInt32BigEndian("image count");
        int rows = images.ReadInt32BigEndian("row count");
        int columns = images.ReadInt32BigEndian("column count");
        int pixelBytes = DataChecks.ImageBytes(images, count, rows, columns);

        ExpectMagic(labels, LabelsMagic, "labels");
        int labelCount = labels.ReadInt32BigEndian("label count");
        if (labelCount < 0) throw labels.Error($"label count {labelCount} is negative.");
        if (labelCount != count)
            throw labels.Error($"has {labelCount} labels but the {images.Source} has {count} images.");

        var pixels = images.ReadBytes(pixelBytes, "pixels");
        images.ExpectEnd("pixels");
        var labelBytes = labels.ReadBytes(count, "labels");
        labels.ExpectEnd("labels");
        DataChecks.Labels(labels, labelBytes);
        return new DigitSet(rows, columns, pixels, labelBytes, validate: false);
    }

    private static void ExpectMagic(DataInput input, int expected, string kind)
    {
        int magic = input.ReadInt32BigEndian("magic number");
        if (magic == expected) return;
        string hint = magic switch
        {
            ImagesMagic => " (that is the magic of an IDX images file: are the two paths swapped?)",
            LabelsMagic => " (that is the magic of an IDX labels file: are the two paths swapped?)",
            _ => "",
        };
        throw input.Error($"wrong magic number 0x{magic:X8}, expected 0x{expected:X8} for IDX {kind}{hint}.");
    }
}
