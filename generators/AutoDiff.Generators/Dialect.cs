using System;
using System.Globalization;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// How an expression graph is spelled: scalar C# in double, float or T, one SIMD width, or an
/// <c>ElementwiseExpression</c> under construction (for <c>Describe</c>). <see cref="Var"/> spells each
/// variable (the input, a constant of the activation read from a field, a local…).
/// </summary>
internal sealed class Dialect
{
    /// <summary>The scalar element type: "double", "float" or the type parameter's name.</summary>
    public string Element { get; }

    public ElementKind Kind { get; }

    /// <summary>0 for scalar code, else 128, 256 or 512.</summary>
    public int Width { get; }

    /// <summary>Spells variable <c>name</c> in this dialect.</summary>
    public Func<string, string> Var { get; }

    public Dialect(ElementKind kind, string element, int width, Func<string, string> var)
    {
        Kind = kind;
        Element = element;
        Width = width;
        Var = var;
    }

    /// <summary>
    /// The dialect that builds an <c>ElementwiseExpression</c> (for <c>Describe</c>) instead of computing a
    /// value; <paramref name="scalar"/> spells the constant arguments of calls to other activations.
    /// </summary>
    public static Dialect Expression(Dialect scalar, Func<string, string> var)
        => new(scalar.Kind, scalar.Element, 0, var) { Arguments = scalar };

    /// <summary>For the expression dialect: how constant call arguments are spelled (as scalars); else null.</summary>
    public Dialect? Arguments { get; private init; }

    public bool IsExpression => Arguments is not null;

    public bool IsVector => Width != 0;

    public string VectorClass => "Vector" + Width.ToString(CultureInfo.InvariantCulture);

    public string VectorType => $"{VectorClass}<{Element}>";

    public string Math => Kind switch
    {
        ElementKind.Double => "Math",
        ElementKind.Single => "MathF",
        _ => Element,
    };

    /// <summary>An int expression (C# text) as a number of the element type.</summary>
    public string Integer(string text)
    {
        bool simple = text.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '.');
        return Kind == ElementKind.Generic ? $"{Element}.CreateChecked({text})" : simple ? $"({Element}){text}" : $"({Element})({text})";
    }

    public string Number(double v)
    {
        if (IsExpression) return Literals.Double(v);
        if (Kind == ElementKind.Generic)
            return v switch
            {
                0 => Element + ".Zero",
                1 => Element + ".One",
                -1 => Element + ".NegativeOne",
                _ => $"{Element}.CreateTruncating({Literals.Double(v)})",
            };
        return Element == "float" ? Literals.Single((float)v) : Literals.Double(v);
    }
}

/// <summary>C# literals that round-trip: <c>1.0</c>, <c>0.01</c>, <c>1E-05f</c>, <c>double.NaN</c>.</summary>
internal static class Literals
{
    public static string Double(double v)
    {
        if (double.IsNaN(v)) return "double.NaN";
        if (double.IsPositiveInfinity(v)) return "double.PositiveInfinity";
        if (double.IsNegativeInfinity(v)) return "double.NegativeInfinity";
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        return s.IndexOfAny(new[] { '.', 'E' }) < 0 ? s + ".0" : s;
    }

    public static string Single(float v)
    {
        if (float.IsNaN(v)) return "float.NaN";
        if (float.IsPositiveInfinity(v)) return "float.PositiveInfinity";
        if (float.IsNegativeInfinity(v)) return "float.NegativeInfinity";
        return v.ToString("R", CultureInfo.InvariantCulture) + "f";
    }
}
