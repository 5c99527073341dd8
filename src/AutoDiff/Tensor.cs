using System.Numerics;

namespace AutoDiff;

/// <summary>
/// A dense row-major n-d array of <typeparamref name="T"/> that lives outside any tape: parameters,
/// data and results. Its shape is fixed; its elements are mutable (optimisers update them in place).
/// Put it on a tape with <see cref="Tape.Track{T}(Tensor{T})"/> (differentiable) or
/// <see cref="Tape.Constant{T}(Tensor{T})"/> (data).
/// </summary>
public sealed class Tensor<T> where T : IFloatingPointIeee754<T>
{
    private readonly T[] data;

    /// <summary>Wraps <paramref name="data"/> (not copied) with shape <paramref name="shape"/>.</summary>
    public Tensor(T[] data, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != shape.Length)
            throw new ArgumentException($"Shape {shape} needs {shape.Length} elements but the array has {data.Length}.", nameof(data));
        this.data = data;
        Shape = shape;
    }

    /// <summary>A zero-filled tensor of shape <paramref name="shape"/>.</summary>
    public Tensor(Shape shape) : this(new T[shape.Length], shape) { }

    /// <summary>The dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>Number of elements.</summary>
    public int Length => data.Length;

    /// <summary>The elements in row-major order; writable.</summary>
    public Span<T> Span => data;

    /// <summary>The backing array (shared, not a copy).</summary>
    public T[] Data => data;

    /// <summary>The element at a full index (one coordinate per axis).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public T this[params int[] index]
    {
        get => data[Offset(index)];
        set => data[Offset(index)] = value;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public T Item => Length == 1 ? data[0]
        : throw new InvalidOperationException($"Item needs a tensor with one element; this one has shape {Shape}.");

    /// <summary>A deep copy.</summary>
    public Tensor<T> Clone() => new((T[])data.Clone(), Shape);

    /// <summary>Same elements, new shape of equal length (a copy).</summary>
    public Tensor<T> Reshape(params int[] shape)
    {
        var s = new Shape(shape);
        if (s.Length != Length) throw new ShapeMismatchException("Reshape", Shape, s, $"{Length} elements cannot take {s.Length}");
        return new Tensor<T>((T[])data.Clone(), s);
    }

    private int Offset(int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != Shape.Rank)
            throw new ArgumentException($"Index has {index.Length} coordinates but shape {Shape} has rank {Shape.Rank}.", nameof(index));
        int offset = 0;
        for (int i = 0; i < index.Length; i++)
        {
            int d = Shape.Dims[i];
            if ((uint)index[i] >= (uint)d)
                throw new ArgumentOutOfRangeException(nameof(index), $"Index {index[i]} on axis {i} is out of range for shape {Shape}.");
            offset = offset * d + index[i];
        }
        return offset;
    }

    /// <summary>Formats shape and (up to 16) values.</summary>
    public override string ToString()
    {
        var shown = data.Take(16).Select(v => v.ToString());
        return $"Tensor{Shape}({string.Join(", ", shown)}{(Length > 16 ? ", …" : "")})";
    }
}

/// <summary>Factories for <see cref="Tensor{T}"/>.</summary>
public static class Tensor
{
    /// <summary>
    /// A tensor holding a copy of <paramref name="values"/> with shape <paramref name="shape"/>; without a
    /// shape, a vector of <c>values.Length</c> elements (use <see cref="Scalar{T}"/> for rank 0).
    /// </summary>
    public static Tensor<T> From<T>(ReadOnlySpan<T> values, params int[] shape) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new(values.ToArray(), shape.Length == 0 ? new Shape(values.Length) : new Shape(shape));
    }

    /// <summary>A matrix holding a copy of <paramref name="values"/>.</summary>
    public static Tensor<T> From<T>(T[,] values) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        int r = values.GetLength(0), c = values.GetLength(1);
        var data = new T[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
                data[i * c + j] = values[i, j];
        return new Tensor<T>(data, new Shape(r, c));
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor<T> Scalar<T>(T value) where T : IFloatingPointIeee754<T> => new([value], Shape.ScalarShape);

    /// <summary>A zero-filled tensor.</summary>
    public static Tensor<T> Zeros<T>(params int[] shape) where T : IFloatingPointIeee754<T> => new(new Shape(shape));

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor<T> Full<T>(T value, params int[] shape) where T : IFloatingPointIeee754<T>
    {
        var t = new Tensor<T>(new Shape(shape));
        t.Span.Fill(value);
        return t;
    }

    /// <summary>Uniform values in [<paramref name="low"/>, <paramref name="high"/>) from a seeded generator.</summary>
    public static Tensor<T> Uniform<T>(Random random, double low, double high, params int[] shape) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(double.IsFinite(low) && double.IsFinite(high) && low <= high))
            throw new ArgumentOutOfRangeException(nameof(high), $"Uniform needs finite bounds with low ≤ high; got [{low}, {high}).");
        var t = new Tensor<T>(new Shape(shape));
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = T.CreateChecked(low + (high - low) * random.NextDouble());
        return t;
    }

    /// <summary>Normal values with mean 0 and standard deviation <paramref name="std"/> (Box–Muller) from a seeded generator.</summary>
    public static Tensor<T> Normal<T>(Random random, double std, params int[] shape) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(double.IsFinite(std) && std >= 0))
            throw new ArgumentOutOfRangeException(nameof(std), $"The standard deviation must be finite and non-negative; got {std}.");
        var t = new Tensor<T>(new Shape(shape));
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            s[i] = T.CreateChecked(std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return t;
    }
}
