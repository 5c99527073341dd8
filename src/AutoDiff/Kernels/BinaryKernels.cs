using System.Numerics;

namespace AutoDiff.Kernels;

/// <summary>An element-wise binary operation with span, span-scalar and scalar-span forms.</summary>
internal interface IBinaryKernel<T> where T : IFloatingPointIeee754<T>
{
    static abstract T Invoke(T x, T y);
    static abstract void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d);
    static abstract void Invoke(ReadOnlySpan<T> x, T y, Span<T> d);
    static abstract void Invoke(T x, ReadOnlySpan<T> y, Span<T> d);
}

internal readonly struct AddKernel<T> : IBinaryKernel<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x + y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Elementwise.Binary<T, AddOperation<T>>(x, y, d);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) => Elementwise.Binary<T, AddOperation<T>>(x, y, d);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) => Elementwise.Binary<T, AddOperation<T>>(x, y, d);
}

internal readonly struct SubtractKernel<T> : IBinaryKernel<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x - y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Elementwise.Binary<T, SubtractOperation<T>>(x, y, d);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) => Elementwise.Binary<T, SubtractOperation<T>>(x, y, d);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) => Elementwise.Binary<T, SubtractOperation<T>>(x, y, d);
}

internal readonly struct MultiplyKernel<T> : IBinaryKernel<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x * y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Elementwise.Binary<T, MultiplyOperation<T>>(x, y, d);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) => Elementwise.Binary<T, MultiplyOperation<T>>(x, y, d);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) => Elementwise.Binary<T, MultiplyOperation<T>>(x, y, d);
}

internal readonly struct DivideKernel<T> : IBinaryKernel<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x / y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => Elementwise.Binary<T, DivideOperation<T>>(x, y, d);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) => Elementwise.Binary<T, DivideOperation<T>>(x, y, d);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) => Elementwise.Binary<T, DivideOperation<T>>(x, y, d);
}

/// <summary><c>max(x, y)</c>, NaN-propagating (IEEE 754:2019 maximum).</summary>
internal readonly struct MaxKernel<T> : IBinaryKernel<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => T.Max(x, y);
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => SpanMath.Max(x, y, d);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) => SpanMath.Max(x, y, d);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) => SpanMath.Max(y, x, d);
}

/// <summary><c>min(x, y)</c>, NaN-propagating (IEEE 754:2019 minimum).</summary>
internal readonly struct MinKernel<T> : IBinaryKernel<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => T.Min(x, y);
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => SpanMath.Min(x, y, d);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) => SpanMath.Min(x, y, d);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) => SpanMath.Min(y, x, d);
}

/// <summary>1 where <c>x ≥ y</c>, else 0: routes max's gradient to the first input on ties.</summary>
internal readonly struct GreaterOrEqualMaskKernel<T> : IBinaryKernel<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x >= y ? T.One : T.Zero;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { for (int i = 0; i < d.Length; i++) d[i] = Invoke(x[i], y[i]); }
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) { for (int i = 0; i < d.Length; i++) d[i] = Invoke(x[i], y); }
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) { for (int i = 0; i < d.Length; i++) d[i] = Invoke(x, y[i]); }
}

/// <summary>1 where <c>x &gt; y</c>, else 0.</summary>
internal readonly struct GreaterMaskKernel<T> : IBinaryKernel<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x > y ? T.One : T.Zero;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) { for (int i = 0; i < d.Length; i++) d[i] = Invoke(x[i], y[i]); }
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> d) { for (int i = 0; i < d.Length; i++) d[i] = Invoke(x[i], y); }
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> d) { for (int i = 0; i < d.Length; i++) d[i] = Invoke(x, y[i]); }
}
