using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace AutoDiff.Nn;

// Format version 2: a Sequential of built-in layers (little-endian).
//   "ADMF" | version int32 = 2 | element size byte (4 = float32, 8 = float64) | layers int32 | layer records | CRC-32 (uint32) of every byte before it
//   record: kind (int32 byte length + UTF-8: "dense", "conv2d", "maxpool2d", "avgpool2d", "flatten", "activation",
//           "dropout", "batchnorm2d", "layernorm", "sequential")
//           | ints (int32 count, int32 values) | reals (int32 count, float64 values) | text (int32 byte length + UTF-8: an activation name)
//           | tensors (int32 count; each: rank int32, dims int32…, values row-major) | children (int32 count, records: a nested sequential's layers)
// Which ints, reals, text and tensors each kind holds is in Record and Build below, side by side.
public static partial class ModelFile
{
    private const int MaxItems = 64, MaxRank = 8, MaxDepth = 16;

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> atomically (temporary file + rename), as
    /// format version 2: each layer's kind, attributes, activation name and tensors (parameters and, for
    /// batch normalisation, the running statistics). Saving a layer type other than the built-in ones
    /// throws <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static void Save<T>(Sequential<T> model, string path) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        WriteAtomically(Serialize(model), path);
    }

    /// <summary>The file's bytes for <paramref name="model"/> (format version 2).</summary>
    public static byte[] Serialize<T>(Sequential<T> model) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(SequentialVersion);
        w.Write((byte)ElementSize<T>());
        var records = model.Layers.Select((l, i) => Record(l, $"{i}")).ToArray();
        w.Write(records.Length);
        foreach (var r in records) Write(w, r);
        w.Flush();
        w.Write(Crc32.Compute(ms.GetBuffer().AsSpan(0, (int)ms.Length)));
        w.Flush();
        return ms.ToArray();
    }

    /// <summary>
    /// Reads a sequential model from <paramref name="path"/> (format version 2, or version 1, whose MLP
    /// becomes a sequence of <see cref="Dense{T}"/> layers), resolving activation names with
    /// <paramref name="activations"/> (default: the built-in activations by name). The model starts in
    /// training mode. A damaged or inconsistent file raises <see cref="InvalidDataException"/> naming the
    /// file, the layer and the problem.
    /// </summary>
    public static Sequential<T> LoadSequential<T>(string path, Func<string, ElementwiseFunction<T>?>? activations = null) where T : IFloatingPointIeee754<T>
    {
        var bytes = ReadAll(path);
        var resolve = activations ?? BuiltIn<T>;
        if (bytes.Length >= 8 && bytes.AsSpan(0, 4).SequenceEqual(Magic) && BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)) == MlpVersion)
            return new Sequential<T>(Parse<T>(bytes, path, resolve).Select((l, i) => (ILayer<T>)new Dense<T>(
                new Tensor<T>(l.Weight, new Shape(l.Inputs, l.Outputs)), new Tensor<T>(l.Bias, new Shape(l.Outputs)), l.Activation, $"layer{i}")).ToArray());
        var records = ParseSequential<T>(bytes, path);
        return new Sequential<T>(records.Select((r, i) => Build(r, $"{i}", path, resolve)).ToArray());
    }

    /// <summary>
    /// Reads parameters and running statistics from <paramref name="path"/> into <paramref name="model"/>,
    /// whose layers (kinds, attributes, activations and tensor shapes) must match the file's. Nothing is
    /// changed unless the whole file is valid and matches.
    /// </summary>
    public static void LoadInto<T>(Sequential<T> model, string path) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        var file = ParseSequential<T>(ReadAll(path), path);
        var mine = model.Layers.Select((l, i) => Record(l, $"{i}")).ToArray();
        var pairs = new List<(Tensor<T> To, Tensor<T> From)>();
        Match(mine, file, "", path, pairs);
        foreach (var (to, from) in pairs) from.Span.CopyTo(to.Span);
    }

    /// <summary>A layer's description, sharing (not copying) its tensors.</summary>
    private sealed record LayerRecord<T>(string Kind, int[] Ints, double[] Reals, string Text, Tensor<T>[] Tensors, LayerRecord<T>[] Children)
        where T : IFloatingPointIeee754<T>;

    private static LayerRecord<T> Record<T>(ILayer<T> layer, string at) where T : IFloatingPointIeee754<T>
    {
        static string Name(ElementwiseFunction<T>? f) => f?.Name ?? "linear";
        return layer switch
        {
            Dense<T> d => new("dense", [d.Inputs, d.Outputs], [], Name(d.Activation), [d.Weight.Value, d.Bias.Value], []),
            Conv2d<T> c => new("conv2d", [c.Stride, c.Padding, c.Dilation, c.Groups], [], Name(c.Activation),
                c.Bias is null ? [c.Weight.Value] : [c.Weight.Value, c.Bias.Value], []),
            MaxPool2d<T> m => new("maxpool2d", [m.Kernel, m.Stride], [], "", [], []),
            AvgPool2d<T> a => new("avgpool2d", [a.Kernel, a.Stride], [], "", [], []),
            Flatten<T> => new("flatten", [], [], "", [], []),
            Activation<T> a => new("activation", [], [], a.Function.Name, [], []),
            Dropout<T> d => new("dropout", [d.Seed], [d.Probability], "", [], []),
            BatchNorm2d<T> b => new("batchnorm2d", [], [b.Epsilon, b.Momentum], "", [b.Gamma.Value, b.Beta.Value, b.RunningMean, b.RunningVariance], []),
            LayerNorm<T> l => new("layernorm", [], [l.Epsilon], "", [l.Gamma.Value, l.Beta.Value], []),
            Sequential<T> s => new("sequential", [], [], "", [], s.Layers.Select((c, i) => Record(c, $"{at}.{i}")).ToArray()),
            _ => throw new ArgumentException(
                $"Layer {at} ({layer.GetType().Name}) cannot be saved: model files hold Dense, Conv2d, MaxPool2d, AvgPool2d, Flatten, Activation, Dropout, BatchNorm2d, LayerNorm and Sequential layers.",
                nameof(layer)),
        };
    }

    // Builds a layer from a record through its public constructor, which checks the attributes.
    private static ILayer<T> Build<T>(LayerRecord<T> r, string at, string path, Func<string, ElementwiseFunction<T>?> resolve) where T : IFloatingPointIeee754<T>
    {
        InvalidDataException Bad(string problem) => new($"Model file {path} is not a valid model: layer {at} ({r.Kind}) {problem}.");
        void Expect(int ints, int reals, int tensorsMin, int tensorsMax)
        {
            if (r.Ints.Length != ints || r.Reals.Length != reals || r.Tensors.Length < tensorsMin || r.Tensors.Length > tensorsMax || (r.Kind != "sequential" && r.Children.Length != 0))
                throw Bad($"has {r.Ints.Length} integer(s), {r.Reals.Length} real(s), {r.Tensors.Length} tensor(s) and {r.Children.Length} child layer(s), not the layout of its kind");
        }
        ElementwiseFunction<T>? Function()
        {
            if (string.Equals(r.Text, "linear", StringComparison.OrdinalIgnoreCase)) return null;
            ElementwiseFunction<T>? f;
            try { f = resolve(r.Text); }
            catch (ArgumentException e) { throw Bad($"uses activation '{r.Text}', which is unknown ({e.Message})"); }
            return f ?? throw Bad($"uses activation '{r.Text}', which is unknown (the activation resolver returned null for it)");
        }
        try
        {
            switch (r.Kind)
            {
                case "dense":
                    Expect(2, 0, 2, 2);
                    if (r.Tensors[0].Shape != new Shape(r.Ints[0], r.Ints[1])) throw Bad($"declares {r.Ints[0]}→{r.Ints[1]} but its weight is {r.Tensors[0].Shape}");
                    return new Dense<T>(r.Tensors[0], r.Tensors[1], Function(), $"layer{at}");
                case "conv2d":
                    Expect(4, 0, 1, 2);
                    return new Conv2d<T>(r.Tensors[0], r.Tensors.Length == 2 ? r.Tensors[1] : null, r.Ints[0], r.Ints[1], r.Ints[2], r.Ints[3], Function(), $"layer{at}");
                case "maxpool2d":
                    Expect(2, 0, 0, 0);
                    return new MaxPool2d<T>(r.Ints[0], r.Ints[1]);
                case "avgpool2d":
                    Expect(2, 0, 0, 0);
                    return new AvgPool2d<T>(r.Ints[0], r.Ints[1]);
                case "flatten":
                    Expect(0, 0, 0, 0);
                    return new Flatten<T>();
                case "activation":
                    Expect(0, 0, 0, 0);
                    return new Activation<T>(Function() ?? Activations.LinearFunction<T>());
                case "dropout":
                    Expect(1, 1, 0, 0);
                    return new Dropout<T>(r.Reals[0], r.Ints[0]);
                case "batchnorm2d":
                    Expect(0, 2, 4, 4);
                    return new BatchNorm2d<T>(r.Tensors[0], r.Tensors[1], r.Tensors[2], r.Tensors[3], r.Reals[0], r.Reals[1], $"layer{at}");
                case "layernorm":
                    Expect(0, 1, 2, 2);
                    return new LayerNorm<T>(r.Tensors[0], r.Tensors[1], r.Reals[0], $"layer{at}");
                case "sequential":
                    Expect(0, 0, 0, 0);
                    return new Sequential<T>(r.Children.Select((c, i) => Build(c, $"{at}.{i}", path, resolve)).ToArray());
                default:
                    throw Bad("is of an unknown kind");
            }
        }
        catch (ArgumentException e)
        {
            throw Bad($"is inconsistent: {e.Message}");
        }
    }

    // The model's records against the file's: same kinds, attributes, activations and tensor shapes.
    private static void Match<T>(LayerRecord<T>[] mine, LayerRecord<T>[] file, string prefix, string path, List<(Tensor<T>, Tensor<T>)> pairs)
        where T : IFloatingPointIeee754<T>
    {
        InvalidDataException Bad(string problem) => new($"Model file {path}: {problem}.");
        if (mine.Length != file.Length) throw Bad($"{(prefix.Length == 0 ? "the model" : $"layer {prefix[..^1]}")} has {file.Length} layers in the file but {mine.Length} in memory");
        for (int i = 0; i < mine.Length; i++)
        {
            var (m, f) = (mine[i], file[i]);
            string at = $"layer {prefix}{i}";
            if (m.Kind != f.Kind) throw Bad($"{at} is a {f.Kind} layer in the file but a {m.Kind} layer in the model");
            if (!m.Ints.SequenceEqual(f.Ints) || !m.Reals.SequenceEqual(f.Reals))
                throw Bad($"{at} ({m.Kind}) has attributes [{string.Join(", ", f.Ints)}; {string.Join(", ", f.Reals)}] in the file but [{string.Join(", ", m.Ints)}; {string.Join(", ", m.Reals)}] in the model");
            if (!string.Equals(m.Text, f.Text, StringComparison.OrdinalIgnoreCase))
                throw Bad($"{at} ({m.Kind}) uses activation '{f.Text}' in the file but '{m.Text}' in the model");
            if (m.Tensors.Length != f.Tensors.Length) throw Bad($"{at} ({m.Kind}) holds {f.Tensors.Length} tensors in the file but {m.Tensors.Length} in the model");
            for (int k = 0; k < m.Tensors.Length; k++)
            {
                if (m.Tensors[k].Shape != f.Tensors[k].Shape)
                    throw Bad($"{at} ({m.Kind}) tensor {k} is {f.Tensors[k].Shape} in the file but {m.Tensors[k].Shape} in the model");
                pairs.Add((m.Tensors[k], f.Tensors[k]));
            }
            Match(m.Children, f.Children, $"{prefix}{i}.", path, pairs);
        }
    }

    private static void Write<T>(BinaryWriter w, LayerRecord<T> r) where T : IFloatingPointIeee754<T>
    {
        WriteText(w, r.Kind);
        w.Write(r.Ints.Length);
        foreach (int v in r.Ints) w.Write(v);
        w.Write(r.Reals.Length);
        foreach (double v in r.Reals) w.Write(v);
        WriteText(w, r.Text);
        w.Write(r.Tensors.Length);
        foreach (var t in r.Tensors)
        {
            w.Write(t.Shape.Rank);
            foreach (int d in t.Shape.Dims) w.Write(d);
            WriteValues(w, t.Span);
        }
        w.Write(r.Children.Length);
        foreach (var c in r.Children) Write(w, c);
    }

    private static void WriteText(BinaryWriter w, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static LayerRecord<T>[] ParseSequential<T>(byte[] bytes, string path) where T : IFloatingPointIeee754<T>
    {
        InvalidDataException Bad(string problem) => new($"Model file {path} is not a valid model: {problem}.");
        var body = CheckedBody<T>(bytes, SequentialVersion, "it holds an MLP (format version 1): load it with ModelFile.Load, or as a sequential model with ModelFile.LoadSequential", Bad);
        int pos = HeaderLength;
        var layers = ReadRecords<T>(body, ref pos, Bad, depth: 0, "");
        if (pos != body.Length) throw Bad($"{body.Length - pos} unexpected bytes follow the last layer");
        return layers;
    }

    private static LayerRecord<T>[] ReadRecords<T>(ReadOnlySpan<byte> s, ref int pos, Func<string, InvalidDataException> bad, int depth, string prefix)
        where T : IFloatingPointIeee754<T>
    {
        int count = ReadInt(s, ref pos, bad);
        if (count < (depth == 0 ? 1 : 0) || count > MaxLayers) throw bad($"layer count {count} is out of range");
        if (depth > MaxDepth) throw bad($"sequential layers are nested more than {MaxDepth} deep");
        var records = new LayerRecord<T>[count];
        for (int i = 0; i < count; i++)
        {
            string at = $"layer {prefix}{i}";
            string kind = ReadText(s, ref pos, bad, at);
            var ints = new int[ReadCount(s, ref pos, bad, at, "integer")];
            for (int k = 0; k < ints.Length; k++) ints[k] = ReadInt(s, ref pos, bad);
            int reals = ReadCount(s, ref pos, bad, at, "real");
            if (pos + 8L * reals > s.Length) throw bad($"{at} ends in the middle of its attributes");
            var values = new double[reals];
            for (int k = 0; k < reals; k++, pos += 8) values[k] = BinaryPrimitives.ReadDoubleLittleEndian(s[pos..]);
            string text = ReadText(s, ref pos, bad, at);
            var tensors = new Tensor<T>[ReadCount(s, ref pos, bad, at, "tensor")];
            for (int k = 0; k < tensors.Length; k++)
            {
                int rank = ReadInt(s, ref pos, bad);
                if (rank < 0 || rank > MaxRank) throw bad($"{at} tensor {k} has rank {rank}, outside 0..{MaxRank}");
                var dims = new int[rank];
                long length = 1;
                for (int d = 0; d < rank; d++)
                {
                    dims[d] = ReadInt(s, ref pos, bad);
                    if (dims[d] < 0) throw bad($"{at} tensor {k} has a negative dimension {dims[d]}");
                    length *= dims[d];
                    if (length > s.Length) throw bad($"{at} tensor {k} of dimensions {Shape.Format(dims.AsSpan(0, d + 1))}… is larger than the file");
                }
                if (pos + length * ElementSize<T>() > s.Length) throw bad($"{at} tensor {k} {Shape.Format(dims)} needs {length * ElementSize<T>()} bytes of values but only {s.Length - pos} remain");
                tensors[k] = new Tensor<T>(ReadValues<T>(s, ref pos, (int)length), new Shape(dims));
            }
            var children = ReadRecords<T>(s, ref pos, bad, depth + 1, $"{prefix}{i}.");
            records[i] = new LayerRecord<T>(kind, ints, values, text, tensors, children);
        }
        return records;
    }

    private static int ReadCount(ReadOnlySpan<byte> s, ref int pos, Func<string, InvalidDataException> bad, string at, string what)
    {
        int n = ReadInt(s, ref pos, bad);
        if (n < 0 || n > MaxItems) throw bad($"{at}'s {what} count {n} is out of range 0..{MaxItems}");
        return n;
    }

    private static string ReadText(ReadOnlySpan<byte> s, ref int pos, Func<string, InvalidDataException> bad, string at)
    {
        int n = ReadInt(s, ref pos, bad);
        if (n < 0 || n > MaxNameBytes || pos + n > s.Length) throw bad($"{at} has a name of invalid length {n}");
        string text = Encoding.UTF8.GetString(s.Slice(pos, n));
        pos += n;
        return text;
    }
}
