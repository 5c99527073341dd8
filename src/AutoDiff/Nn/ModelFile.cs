using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace AutoDiff.Nn;

/// <summary>
/// Saves and loads an <see cref="Mlp{T}"/>'s parameters (format version 1, below) and a
/// <see cref="Sequential{T}"/> of layers (version 2, see <see cref="Save{T}(Sequential{T}, string)"/>).
/// An MLP is still written as version 1, so every MLP file, old or new, loads as before. Format
/// (little-endian), version 1:
/// <code>
/// "ADMF" magic (4 bytes) | version int32 = 1 | element size byte (4 = float32, 8 = float64) | layers int32
/// per layer: inputs int32 | outputs int32 | activation name (int32 byte length + UTF-8)
///            | weight [inputs·outputs] values, row-major [in, out] | bias [outputs] values
/// CRC-32 (uint32) of every byte before it
/// </code>
/// Saving writes a temporary file beside the target and renames it into place, so a crash never
/// leaves a half-written model. Loading checks everything before it builds or changes anything:
/// a truncated, corrupted, wrong-shape or future-version file raises <see cref="InvalidDataException"/>
/// naming the file and the problem, and the model in memory is left as it was.
/// </summary>
public static partial class ModelFile
{
    /// <summary>The newest format version this code writes and reads: 1 holds an MLP, 2 a sequential model.</summary>
    public const int Version = SequentialVersion;

    private const int MlpVersion = 1, SequentialVersion = 2;

    private static ReadOnlySpan<byte> Magic => "ADMF"u8;
    private const int MaxLayers = 1 << 16, MaxNameBytes = 256;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically (temporary file + rename).</summary>
    public static void Save<T>(Mlp<T> model, string path) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        WriteAtomically(Serialize(model), path);
    }

    private static void WriteAtomically(byte[] bytes, string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"Cannot save the model to {path}: it is a folder; give a file path such as {Path.Combine(path, "model.admf")}.");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot save the model to {path}: the folder {folder} does not exist.");
        string tmp = full + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var f = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temporary file is an implementation detail: name the target in the message.
            string reason = e.Message.Replace(tmp, full, StringComparison.Ordinal);
            throw e is UnauthorizedAccessException
                ? new UnauthorizedAccessException($"Cannot save the model to {path}: {reason}", e)
                : new IOException($"Cannot save the model to {path}: {reason}", e);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>The file's bytes for <paramref name="model"/>.</summary>
    public static byte[] Serialize<T>(Mlp<T> model) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(MlpVersion);
        w.Write((byte)ElementSize<T>());
        w.Write(model.Layers.Count);
        foreach (var layer in model.Layers)
        {
            w.Write(layer.Inputs);
            w.Write(layer.Outputs);
            var name = Encoding.UTF8.GetBytes(layer.Activation?.Name ?? "linear");
            w.Write(name.Length);
            w.Write(name);
            WriteValues(w, layer.Weight.Value.Span);
            WriteValues(w, layer.Bias.Value.Span);
        }
        w.Flush();
        w.Write(Crc32.Compute(ms.GetBuffer().AsSpan(0, (int)ms.Length)));
        w.Flush();
        return ms.ToArray();
    }

    /// <summary>
    /// Reads a model from <paramref name="path"/>, resolving activation names with
    /// <paramref name="activations"/> (default: the built-in activations by name).
    /// </summary>
    public static Mlp<T> Load<T>(string path, Func<string, ElementwiseFunction<T>?>? activations = null) where T : IFloatingPointIeee754<T>
    {
        var layers = Parse<T>(ReadAll(path), path, activations ?? BuiltIn<T>);
        return new Mlp<T>(layers.Select((l, i) => new Dense<T>(
            new Tensor<T>(l.Weight, new Shape(l.Inputs, l.Outputs)), new Tensor<T>(l.Bias, new Shape(l.Outputs)), l.Activation, $"layer{i}")).ToArray());
    }

    /// <summary>
    /// Reads parameters from <paramref name="path"/> into <paramref name="model"/>, whose layer shapes
    /// and activation names must match the file's. Nothing is changed unless the whole file is valid.
    /// </summary>
    public static void LoadInto<T>(Mlp<T> model, string path) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        var layers = Parse<T>(ReadAll(path), path, null);
        if (layers.Count != model.Layers.Count)
            throw new InvalidDataException($"Model file {path} has {layers.Count} layers but the model has {model.Layers.Count}.");
        for (int i = 0; i < layers.Count; i++)
        {
            var (l, m) = (layers[i], model.Layers[i]);
            if (l.Inputs != m.Inputs || l.Outputs != m.Outputs)
                throw new InvalidDataException($"Model file {path}: layer {i} is {l.Inputs}→{l.Outputs} but the model's is {m.Inputs}→{m.Outputs}.");
            string name = m.Activation?.Name ?? "linear";
            if (!string.Equals(l.ActivationName, name, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"Model file {path}: layer {i} uses activation '{l.ActivationName}' but the model's uses '{name}'.");
        }
        for (int i = 0; i < layers.Count; i++)
        {
            layers[i].Weight.CopyTo(model.Layers[i].Weight.Value.Span);
            layers[i].Bias.CopyTo(model.Layers[i].Bias.Value.Span);
        }
    }

    private sealed record LayerData<T>(int Inputs, int Outputs, string ActivationName, ElementwiseFunction<T>? Activation, T[] Weight, T[] Bias)
        where T : IFloatingPointIeee754<T>;

    private static byte[] ReadAll(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new IOException($"Model file {path} is a folder, not a file; give the path of a saved model (.admf).");
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file {path} does not exist.", path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Model file {path} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Bytes before the first layer: magic, version, element size.</summary>
    private const int HeaderLength = 4 + 4 + 1;

    /// <summary>
    /// The checks both formats share (length, magic, <paramref name="expected"/> version, checksum, element size of T);
    /// returns the file without its checksum. A file of the other known version is refused with <paramref name="otherVersion"/>.
    /// </summary>
    private static Span<byte> CheckedBody<T>(byte[] bytes, int expected, string otherVersion, Func<string, InvalidDataException> bad) where T : IFloatingPointIeee754<T>
    {
        if (bytes.Length < HeaderLength + 4 + 4) throw bad($"it has {bytes.Length} bytes, fewer than a header and checksum");
        if (!bytes.AsSpan(0, 4).SequenceEqual(Magic)) throw bad("it does not start with the magic \"ADMF\"");
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        if (version is MlpVersion or SequentialVersion && version != expected) throw bad(otherVersion);
        if (version != expected) throw bad($"format version {version} is not supported (this library reads versions {MlpVersion} and {SequentialVersion})");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        uint actual = Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4));
        if (stored != actual) throw bad($"the checksum does not match (stored {stored:X8}, computed {actual:X8}): the file is truncated or corrupted");
        var body = bytes.AsSpan(0, bytes.Length - 4);
        int size = body[HeaderLength - 1];
        if (size != ElementSize<T>()) throw bad($"it holds {size}-byte values but {ElementSize<T>()}-byte values ({typeof(T).Name}) were asked for");
        return body;
    }

    // resolve is null when only the names are compared (LoadInto); otherwise a non-linear name must resolve.
    private static List<LayerData<T>> Parse<T>(byte[] bytes, string path, Func<string, ElementwiseFunction<T>?>? resolve) where T : IFloatingPointIeee754<T>
    {
        InvalidDataException Bad(string problem) => new($"Model file {path} is not a valid model: {problem}.");
        var body = CheckedBody<T>(bytes, MlpVersion, "it holds a sequential model (format version 2): load it with ModelFile.LoadSequential", Bad);
        int pos = HeaderLength, size = ElementSize<T>();
        int count = ReadInt(body, ref pos, Bad);
        if (count < 1 || count > MaxLayers) throw Bad($"layer count {count} is out of range 1..{MaxLayers}");
        var layers = new List<LayerData<T>>(count);
        for (int i = 0; i < count; i++)
        {
            int inputs = ReadInt(body, ref pos, Bad), outputs = ReadInt(body, ref pos, Bad);
            if (inputs < 1 || outputs < 1) throw Bad($"layer {i} has shape {inputs}→{outputs}");
            if (i > 0 && inputs != layers[i - 1].Outputs) throw Bad($"layer {i} takes {inputs} inputs but layer {i - 1} gives {layers[i - 1].Outputs}");
            int nameLength = ReadInt(body, ref pos, Bad);
            if (nameLength < 1 || nameLength > MaxNameBytes || pos + nameLength > body.Length) throw Bad($"layer {i}'s activation name length {nameLength} is invalid");
            string name = Encoding.UTF8.GetString(body.Slice(pos, nameLength));
            pos += nameLength;
            long weights = (long)inputs * outputs;
            if (pos + (weights + outputs) * size > body.Length) throw Bad($"layer {i} ({inputs}→{outputs}) needs {(weights + outputs) * size} bytes of values but only {body.Length - pos} remain");
            var w = ReadValues<T>(body, ref pos, (int)weights);
            var b = ReadValues<T>(body, ref pos, outputs);
            ElementwiseFunction<T>? act = null;
            if (resolve is not null && !string.Equals(name, "linear", StringComparison.OrdinalIgnoreCase))
            {
                try { act = resolve(name); }
                catch (ArgumentException e) { throw Bad($"layer {i}'s activation '{name}' is unknown ({e.Message})"); }
                // a null here would silently turn the layer linear
                if (act is null) throw Bad($"layer {i}'s activation '{name}' is unknown (the activation resolver returned null for it)");
            }
            layers.Add(new LayerData<T>(inputs, outputs, name, act, w, b));
        }
        if (pos != body.Length) throw Bad($"{body.Length - pos} unexpected bytes follow the last layer");
        return layers;
    }

    private static int ReadInt(ReadOnlySpan<byte> s, ref int pos, Func<string, InvalidDataException> bad)
    {
        if (pos + 4 > s.Length) throw bad($"it ends at byte {s.Length} in the middle of a header field");
        int v = BinaryPrimitives.ReadInt32LittleEndian(s[pos..]);
        pos += 4;
        return v;
    }

    private static T[] ReadValues<T>(ReadOnlySpan<byte> s, ref int pos, int count) where T : IFloatingPointIeee754<T>
    {
        var r = new T[count];
        bool single = typeof(T) == typeof(float);
        for (int i = 0; i < count; i++)
        {
            r[i] = single ? T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(s[pos..]))
                          : T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(s[pos..]));
            pos += single ? 4 : 8;
        }
        return r;
    }

    private static void WriteValues<T>(BinaryWriter w, ReadOnlySpan<T> values) where T : IFloatingPointIeee754<T>
    {
        foreach (T v in values)
        {
            if (typeof(T) == typeof(float)) w.Write(float.CreateTruncating(v));
            else w.Write(double.CreateTruncating(v));
        }
    }

    private static int ElementSize<T>() where T : IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? 4 : typeof(T) == typeof(double) ? 8
        : throw new NotSupportedException($"Model files hold float or double values, not {typeof(T).Name}.");

    private static ElementwiseFunction<T>? BuiltIn<T>(string name) where T : IFloatingPointIeee754<T> => ActivationLookup.ByName<T>(name);
}
