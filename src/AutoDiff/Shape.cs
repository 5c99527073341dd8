using System.Runtime.CompilerServices;

namespace AutoDiff;

/// <summary>
/// The dimensions of a row-major tensor. Immutable; a rank-0 shape (<c>[]</c>) holds one element.
/// </summary>
public readonly struct Shape : IEquatable<Shape>
{
    private static readonly int[] Empty = [];
    private readonly int[]? dims;

    /// <summary>Creates a shape; every dimension must be non-negative.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long length = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0)
                throw new ArgumentOutOfRangeException(nameof(dims), $"Shape {Format(dims)} has a negative dimension {dims[i]} at axis {i}.");
            length *= dims[i];
            if (length > Array.MaxLength)
                throw new ArgumentOutOfRangeException(nameof(dims), $"Shape {Format(dims)} has more than {Array.MaxLength} elements.");
        }
        this.dims = (int[])dims.Clone();
        Length = (int)length;
    }

    private Shape(int[] owned, int length) { dims = owned; Length = length; }

    /// <summary>The shape of a single value: rank 0, one element.</summary>
    public static Shape ScalarShape => new(Empty, 1);

    internal static Shape Own(int[] dims)
    {
        int length = 1;
        foreach (int d in dims) length *= d;
        return new Shape(dims, length);
    }

    /// <summary>Number of axes.</summary>
    public int Rank => Dims.Length;

    /// <summary>Number of elements: the product of the dimensions (1 for rank 0).</summary>
    public int Length { get; }

    /// <summary>True for <c>default(Shape)</c>, which no constructor makes.</summary>
    internal bool IsDefault => dims is null;

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Dims => dims ?? Empty;

    /// <summary>The size of axis <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => Dims[NormalizeAxis(axis)];

    /// <summary>Maps a possibly negative axis into <c>0..Rank-1</c>, or throws naming the shape.</summary>
    public int NormalizeAxis(int axis)
    {
        int r = axis < 0 ? axis + Rank : axis;
        if ((uint)r >= (uint)Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} is out of range for shape {this} (rank {Rank}).");
        return r;
    }

    /// <summary>True when the dimensions are equal.</summary>
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Equality of dimensions.</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    /// <summary>Inequality of dimensions.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>Formats as <c>[2, 3]</c>.</summary>
    public override string ToString() => Format(Dims);

    internal static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";

    /// <summary>Converts an array of dimensions.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>
    /// The NumPy broadcast of two shapes: align trailing axes; each pair must be equal or contain a 1.
    /// Writes the result into <paramref name="result"/> (length max rank) or throws naming both shapes.
    /// </summary>
    internal static void Broadcast(Shape a, Shape b, Span<int> result, string op)
    {
        int rank = result.Length;
        for (int i = 0; i < rank; i++)
        {
            int da = Dim(a, i - rank + a.Rank), db = Dim(b, i - rank + b.Rank);
            if (da != db && da != 1 && db != 1)
                throw new ShapeMismatchException(op, a, b, $"axis {i - rank} has sizes {da} and {db}; broadcasting needs them equal or one of them 1");
            result[i] = da == 1 ? db : da;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static int Dim(Shape s, int axis) => axis < 0 ? 1 : s.Dims[axis];
    }
}
