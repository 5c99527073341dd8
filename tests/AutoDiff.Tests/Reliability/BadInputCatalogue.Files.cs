using System.Buffers.Binary;
using AutoDiff.Data;
using AutoDiff.Demo;
using AutoDiff.Nn;
using AutoDiff.Tests.Data;

namespace AutoDiff.Tests.Reliability;

public static partial class BadInputCatalogue
{
    /// <summary>An activation the built-in lookup does not know, to save a model that cannot be loaded by name.</summary>
    private sealed class Unknown : ElementwiseFunction<float>
    {
        public override string Name => "Swish";
        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => x.CopyTo(y);
        public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) { }
    }

    private static Mlp<float> Small(ElementwiseFunction<float>? act = null) => new([3, 4, 2], [act, null], seed: 1);

    /// <summary>A valid model file's bytes with the version field changed and the checksum fixed up.</summary>
    private static byte[] WithVersion(int version)
    {
        var bytes = ModelFile.Serialize(Small());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), version);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    /// <summary>Rows for model files, data files and streams, the demo's command line and GradCheck; files go in <paramref name="dir"/>.</summary>
    public static IEnumerable<BadInput> Files(string dir)
    {
        const string F = "model files", D = "data loaders", C = "demo options", G = "GradCheck";
        string At(string name, byte[]? bytes = null)
        {
            string p = Path.Combine(dir, name);
            if (bytes is not null) File.WriteAllBytes(p, bytes);
            return p;
        }
        var good = ModelFile.Serialize(Small());

        yield return B<FileNotFoundException>(F, "missing file", () => ModelFile.Load<float>(At("none.admf")), "none.admf", "does not exist");
        yield return B<InvalidDataException>(F, "empty file", () => ModelFile.Load<float>(At("empty.admf", [])), "empty.admf", "0 bytes");
        yield return B<InvalidDataException>(F, "truncated to half", () => ModelFile.Load<float>(At("half.admf", good[..(good.Length / 2)])), "half.admf", "checksum does not match");
        yield return B<InvalidDataException>(F, "one flipped bit", () => ModelFile.Load<float>(At("flip.admf", [.. good[..40], (byte)(good[40] ^ 4), .. good[41..]])), "checksum does not match");
        yield return B<InvalidDataException>(F, "a digit pack, not a model", () => ModelFile.Load<float>(At("pack.admf", SyntheticDigits.PackPayload(SyntheticDigits.Make(2)))), "magic");
        yield return B<InvalidDataException>(F, "future version 3", () => ModelFile.Load<float>(At("v3.admf", WithVersion(3))), "version 3 is not supported");
        yield return B<InvalidDataException>(F, "version 0", () => ModelFile.Load<float>(At("v0.admf", WithVersion(0))), "version 0 is not supported");
        yield return B<InvalidDataException>(F, "float32 file read as float64", () => ModelFile.Load<double>(At("f32.admf", good)), "4-byte values");
        yield return B<InvalidDataException>(F, "into a model of another shape", () => ModelFile.LoadInto(new Mlp<float>([3, 5, 2], [null, null], 1), At("shape.admf", good)), "layer 0 is 3→4 but the model's is 3→5");
        yield return B<InvalidDataException>(F, "into a model with another activation", () => ModelFile.LoadInto(Small(AutoDiff.Activations.ReluFunction<float>()), At("act.admf", good)), "uses activation 'linear'", "'Relu'");
        yield return B<InvalidDataException>(F, "unknown activation name", () =>
        {
            ModelFile.Save(Small(new Unknown()), At("swish.admf"));
            ModelFile.Load<float>(At("swish.admf"));
        }, "activation 'Swish' is unknown");
        yield return B<InvalidDataException>(F, "a resolver that returns null", () =>
        {
            ModelFile.Save(Small(AutoDiff.Activations.TanhFunction<float>()), At("tanh.admf"));
            ModelFile.Load<float>(At("tanh.admf"), _ => null);
        }, "activation 'Tanh' is unknown", "returned null");
        yield return B<ArgumentNullException>(F, "save a null model", () => ModelFile.Save((Mlp<float>)null!, At("x.admf")), "model");
        yield return B<ArgumentException>(F, "save to an empty path", () => ModelFile.Save(Small(), ""), "path");
        yield return B<DirectoryNotFoundException>(F, "save into a missing folder", () => ModelFile.Save(Small(), Path.Combine(dir, "no", "such", "m.admf")), "Cannot save the model to", "the folder", "does not exist");
        yield return B<IOException>(F, "save onto a folder", () => ModelFile.Save(Small(), dir), "Cannot save the model to", "is a folder");
        yield return B<IOException>(F, "load a folder", () => ModelFile.Load<float>(dir), "is a folder, not a file");
        yield return B<ArgumentNullException>(F, "load from a null path", () => ModelFile.Load<float>(null!), "path");

        var set = SyntheticDigits.Make(4);
        var pack = SyntheticDigits.PackPayload(set);
        yield return B<FileNotFoundException>(D, "missing digit pack", () => DigitPack.ReadFile(At("none.bin.gz")), "none.bin.gz", "not found");
        yield return B<ArgumentNullException>(D, "null stream", () => DigitPack.Read(null!), "stream");
        yield return B<ArgumentException>(D, "write-only stream", () => DigitPack.Read(new GZipProbe()), "readable");
        yield return B<InvalidDataException>(D, "a model file, not a digit pack", () => DigitPack.Read(new MemoryStream(good)), "wrong magic", "not a digit pack");
        yield return B<InvalidDataException>(D, "gzip cut in the middle", () => DigitPack.Read(new MemoryStream(SyntheticDigits.Gzip(pack)[..30])), "digit pack stream");
        yield return B<InvalidDataException>(D, "pack with label 10", () => DigitPack.Read(new MemoryStream(SyntheticDigits.WithByte(pack, pack.Length - 1, 10))), "label 10 at index 3");
        yield return B<ArgumentException>(D, "write a pack to an empty path", () => DigitPack.WriteFile("", set), "path");
        yield return B<ArgumentNullException>(D, "write a null set", () => DigitPack.Write(new MemoryStream(), null!), "set");
        yield return B<InvalidDataException>(D, "IDX paths swapped", () => MnistIdx.Read(new MemoryStream(SyntheticDigits.IdxLabels(set)), new MemoryStream(SyntheticDigits.IdxImages(set))), "swapped");
        yield return B<InvalidDataException>(D, "IDX counts differ", () => MnistIdx.Read(new MemoryStream(SyntheticDigits.IdxImages(set)), new MemoryStream(SyntheticDigits.IdxLabels(SyntheticDigits.Make(3)))), "has 3 labels but", "4 images");
        yield return B<FileNotFoundException>(D, "missing IDX labels", () => MnistIdx.Read(At("img.idx", SyntheticDigits.IdxImages(set)), At("none.idx")), "none.idx");
        yield return B<ArgumentException>(D, "digit set with label 10", () => _ = new DigitSet(1, 1, [0], [10]), "Label 10 at index 0");
        yield return B<ArgumentOutOfRangeException>(D, "digit set with 0 rows", () => _ = new DigitSet(0, 1, [], []), "rows");
        yield return B<ArgumentException>(D, "digit set with too few pixels", () => _ = new DigitSet(2, 2, [1, 2, 3], [1]), "need 4 image bytes, got 3");
        yield return B<ArgumentOutOfRangeException>(D, "subset past the end", () => set.Subset([0, 4]), "Image index 4 is outside 0..3");
        yield return B<ArgumentOutOfRangeException>(D, "split with −1 training images", () => set.Split(-1, 1), "trainCount");
        yield return B<ArgumentException>(D, "copy images into a short buffer", () => set.CopyImages<float>([0, 1], new float[5]), "holds 5 elements but 24");

        foreach (var (args, says) in new (string[] Args, string Says)[]
        {
            (["--epochs", "0"], "--epochs needs a whole number from 1"),
            (["--epochs", "ten"], "got 'ten'"),
            (["--hidden", "128,,64"], "--hidden needs a whole number"),
            (["--hidden", ""], "--hidden needs a whole number"),
            (["--activation", "swishy"], "--activation must be one of"),
            (["--lr", "-1"], "--lr needs a positive number; got '-1'"),
            (["--lr", "NaN"], "--lr needs a positive number; got 'NaN'"),
            (["--task", "regression"], "--task must be one of multiclass, binary, both"),
            (["--loss", "huber"], "--loss must be one of"),
            (["--batch", "0"], "--batch needs a whole number from 1"),
            (["--seed", "1e3"], "--seed needs a whole number"),
            (["--augment", "maybe"], "--augment must be one of on, off"),
            (["--epochs"], "option --epochs needs a value"),
            (["--bogus", "1"], "unknown option '--bogus'"),
            (["--bogus"], "unknown option '--bogus'; the options are --task"),
            (["--activation", "step"], "--activation step cannot be trained by gradient descent"),
            (["--anomalies", "maybe"], "--anomalies must be one of on, off"),
            (["digits.bin"], "unexpected argument 'digits.bin'"),
        })
            yield return B<DemoUsageException>(C, string.Join(' ', args), () => DemoOptions.Parse(args), says);
        yield return B<ArgumentNullException>(C, "no argument array", () => DemoOptions.Parse(null!), "args");

        Func<Tape, Var<double>[], Var<double>> sum = (_, x) => x[0].Sum();
        Tensor<double>[] one = [Tensor.From<double>([1, 2])];
        yield return B<ArgumentNullException>(G, "null function", () => GradCheck.Check((Func<Tape, Var<double>[], Var<double>>)null!, one), "f");
        yield return B<ArgumentNullException>(G, "null inputs", () => GradCheck.Check(sum, (Tensor<double>[])null!), "inputs");
        yield return B<ArgumentNullException>(G, "a null input tensor", () => GradCheck.Check(sum, [null!]), "input tensor is null");
        yield return B<ArgumentOutOfRangeException>(G, "step 0", () => GradCheck.Check(sum, one, new GradCheckOptions { Epsilon = 0 }), "Epsilon must be finite and positive; got 0");
        yield return B<ArgumentOutOfRangeException>(G, "step NaN", () => GradCheck.Check((t, x) => x[0] * x[0], [1.0], new GradCheckOptions { Epsilon = double.NaN }), "Epsilon", "NaN");
        yield return B<ArgumentOutOfRangeException>(G, "no random directions", () => GradCheck.Check(sum, one, new GradCheckOptions { Directions = 0 }), "Directions must be at least 1");
        yield return B<ArgumentOutOfRangeException>(G, "negative tolerance", () => GradCheck.Check(sum, one, new GradCheckOptions { AbsoluteTolerance = -1 }), "AbsoluteTolerance");
        yield return B<ArgumentException>(G, "a loss with two elements", () => GradCheck.Check(t => t.Track(Tensor.Zeros<double>(2)), new Mlp<double>([1, 1], [null], 1).Parameters), "one element", "[2]");
        yield return B<ArgumentNullException>(G, "a null parameter", () => GradCheck.Check(t => t.Constant(Tensor.Scalar(1.0)), new AutoDiff.Nn.Parameter<double>[] { null! }), "Parameter 0 is null");
        yield return B<InvalidOperationException>(G, "a function that records on another tape", () => GradCheck.Check((t, x) => new Tape().Track(Tensor.From<double>([1])).Sum(), one), "another tape");
    }

    /// <summary>A stream that cannot be read.</summary>
    private sealed class GZipProbe : MemoryStream
    {
        public override bool CanRead => false;
    }
}
