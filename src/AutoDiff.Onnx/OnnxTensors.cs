using System.Buffers.Binary;
using System.Numerics;
using Google.Protobuf;
using Onnx;

namespace AutoDiff.Onnx;

/// <summary>
/// ONNX tensors (initializers and constants) to and from arrays: element types, little-endian
/// <c>raw_data</c> on the way out, and every check a file may fail on the way in.
/// </summary>
internal static class OnnxTensors
{
    public const int Float = (int)TensorProto.Types.DataType.Float, Double = (int)TensorProto.Types.DataType.Double,
        Int64 = (int)TensorProto.Types.DataType.Int64, Bool = (int)TensorProto.Types.DataType.Bool;

    /// <summary>The ONNX element type of <typeparamref name="T"/> (float or double).</summary>
    public static int ElementType<T>() where T : IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Float : typeof(T) == typeof(double) ? Double
        : throw new NotSupportedException($"ONNX export and import handle float and double, not {typeof(T).Name}.");

    /// <summary>A name for an element type in messages.</summary>
    public static string TypeName(int elementType) => elementType switch
    {
        Float => "float32",
        Double => "float64",
        _ => Enum.IsDefined(typeof(TensorProto.Types.DataType), elementType) ? ((TensorProto.Types.DataType)elementType).ToString() : $"type {elementType}",
    };

    /// <summary>A tensor named <paramref name="name"/> of dimensions <paramref name="dims"/> holding <paramref name="values"/>.</summary>
    public static TensorProto Of<T>(string name, ReadOnlySpan<T> values, ReadOnlySpan<int> dims) where T : IFloatingPointIeee754<T>
    {
        var t = new TensorProto { Name = name, DataType = ElementType<T>() };
        foreach (int d in dims) t.Dims.Add(d);
        t.RawData = ByteString.CopyFrom(LittleEndian(values));
        return t;
    }

    /// <summary>A tensor of 64-bit integers (shapes, axes, slice bounds).</summary>
    public static TensorProto OfInt64(string name, ReadOnlySpan<long> values, params ReadOnlySpan<int> dims)
    {
        var t = new TensorProto { Name = name, DataType = Int64 };
        foreach (int d in dims) t.Dims.Add(d);
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        t.RawData = ByteString.CopyFrom(bytes);
        return t;
    }

    private static byte[] LittleEndian<T>(ReadOnlySpan<T> values) where T : IFloatingPointIeee754<T>
    {
        int size = typeof(T) == typeof(float) ? 4 : 8;
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            if (size == 4) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), float.CreateTruncating(values[i]));
            else BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), double.CreateTruncating(values[i]));
        }
        return bytes;
    }

    /// <summary>
    /// The dimensions and values of <paramref name="t"/> as <typeparamref name="T"/>, or an error from
    /// <paramref name="bad"/> naming the tensor: another element type, external data, negative or huge
    /// dimensions, or a number of values that does not fit the dimensions.
    /// </summary>
    public static (int[] Dims, T[] Values) Read<T>(TensorProto t, Func<string, Exception> bad) where T : IFloatingPointIeee754<T>
    {
        string what = $"tensor '{t.Name}'";
        if (t.DataType != ElementType<T>())
            throw bad($"{what} holds {TypeName(t.DataType)} values but {TypeName(ElementType<T>())} ({typeof(T).Name}) were asked for");
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
            throw bad($"{what} keeps its values in an external file, which this importer does not read");
        if (t.Segment is not null) throw bad($"{what} is split into segments, which this importer does not read");
        var dims = new int[t.Dims.Count];
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            long d = t.Dims[i];
            if (d < 0 || d > Array.MaxLength) throw bad($"{what} has dimension {d} at axis {i}");
            count *= d;
            if (count > Array.MaxLength) throw bad($"{what} has more than {Array.MaxLength} values");
            dims[i] = (int)d;
        }
        var values = new T[count];
        bool single = typeof(T) == typeof(float);
        int size = single ? 4 : 8;
        if (!t.RawData.IsEmpty)
        {
            var raw = t.RawData.Span;
            if (raw.Length != count * size)
                throw bad($"{what} of dimensions {Format(dims)} needs {count} values ({count * size} bytes) but holds {raw.Length} bytes");
            for (int i = 0; i < values.Length; i++)
                values[i] = single ? T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]))
                                   : T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]));
        }
        else
        {
            int held = single ? t.FloatData.Count : t.DoubleData.Count;
            if (held != count) throw bad($"{what} of dimensions {Format(dims)} needs {count} values but holds {held}");
            for (int i = 0; i < values.Length; i++)
                values[i] = single ? T.CreateTruncating(t.FloatData[i]) : T.CreateTruncating(t.DoubleData[i]);
        }
        return (dims, values);
    }

    /// <summary>Formats dimensions as <c>[2, 3]</c>.</summary>
    public static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";
}
