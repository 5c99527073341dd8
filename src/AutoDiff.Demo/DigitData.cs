using AutoDiff.Data;

namespace AutoDiff.Demo;

/// <summary>Finds the training and test digits: the embedded 10k pack, a pack file, or a folder of MNIST IDX files.</summary>
internal static class DigitData
{
    public const int EmbeddedTrainCount = 8000;

    public static (DigitSet Train, DigitSet Test, string Source) Load(string? path, int seed)
    {
        if (path is null)
        {
            using var stream = typeof(DigitData).Assembly.GetManifestResourceStream("digits-10k.bin.gz")
                ?? throw new InvalidOperationException("The embedded digits resource is missing from this build.");
            var all = DigitPack.Read(stream);
            var (train, test) = all.Split(EmbeddedTrainCount, seed);
            return (train, test, $"{all.Count:N0} embedded MNIST digits, split {train.Count:N0} train / {test.Count:N0} test by seed {seed}");
        }
        if (Directory.Exists(path))
        {
            var train = MnistIdx.Read(Find(path, "train-images-idx3-ubyte"), Find(path, "train-labels-idx1-ubyte"));
            var test = MnistIdx.Read(Find(path, "t10k-images-idx3-ubyte"), Find(path, "t10k-labels-idx1-ubyte"));
            return (train, test, $"MNIST IDX files in {path}: {train.Count:N0} train / {test.Count:N0} test");
        }
        if (File.Exists(path))
        {
            var all = DigitPack.ReadFile(path);
            if (all.Count < 10) throw new InvalidDataException($"{path} holds only {all.Count} digits; at least 10 are needed to train and test.");
            int trainCount = (int)(all.Count * 0.8);
            var (train, test) = all.Split(trainCount, seed);
            return (train, test, $"{all.Count:N0} digits from {path}, split {train.Count:N0} / {test.Count:N0} by seed {seed}");
        }
        throw new FileNotFoundException($"--data {path}: no such file or folder.", path);
    }

    private static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz", name.Replace("-idx", ".idx") , name.Replace("-idx", ".idx") + ".gz" })
        {
            string p = Path.Combine(folder, candidate);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"The folder {folder} has no {name} (or {name}.gz).", Path.Combine(folder, name));
    }
}
