using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace AutoDiff.Generators;

/// <summary>Every diagnostic of the derivative generator. IDs are stable; messages say what to write instead.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "AutoDiff.Generator";

    public static readonly DiagnosticDescriptor GeneratorFailed = new(
        "AD0001", "The derivative generator failed",
        "The derivative generator failed on '{0}': {1}. Nothing was generated for it; write its derivative by hand meanwhile, and please report this with the method's source.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotStatic = new(
        "AD0002", "A [Differentiable] method must be static",
        "'{0}' is an instance method; make it 'static' (an activation is a pure function of its input)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotInStaticPartialClass = new(
        "AD0003", "A [Differentiable] method must be in a top-level static partial class",
        "'{0}' is declared in '{1}', which is not a non-generic, top-level 'static partial class'; declare it as 'public static partial class {1}' so the generator can add the derivative and the extension methods",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor WrongSignature = new(
        "AD0004", "A [Differentiable] method has an unsupported signature",
        "'{0}' {1}; write 'double F(...)', 'float F(...)' or 'T F<T>(...) where T : IFloatingPointIeee754<T>' with parameters of the element type, double, float, int, bool, ReadOnlySpan<T> or T[]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AssignsParameter = new(
        "AD0006", "A [Differentiable] method must not write to its parameters or spans",
        "'{0}' writes to '{1}', a parameter or an element of one; a [Differentiable] method reads its parameters, spans and arrays: declare a local instead",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownMethod = new(
        "AD0007", "Call to a method the generator cannot differentiate",
        "'{0}' calls '{1}', which the generator does not know; use the Math.*/MathF.*/T.* functions it knows ({2}) or mark '{1}' [Differentiable]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Recursion = new(
        "AD0008", "Recursive [Differentiable] methods are not supported",
        "'{0}' calls itself; write it without recursion (a closed form or an explicit piecewise expression)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotDifferentiable = new(
        "AD0009", "Function with derivative zero almost everywhere",
        "'{0}' uses '{1}', whose derivative is 0 wherever it is defined, so no gradient flows through it; use a smooth surrogate if the model must learn through it, or suppress AD0009 if that is intended",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedSyntax = new(
        "AD0010", "Unsupported construct in a [Differentiable] method",
        "'{0}' uses {1}, which the generator cannot differentiate; {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ScalarKernel = new(
        "AD0011", "Tensor kernel is not vectorised",
        "The tensor kernels of '{0}' are scalar loops because {1} has no SIMD form; only + - * /, conditionals, integer powers and {2} are vectorised",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor WholeFunctionOnly = new(
        "AD0012", "Differentiated as a whole function only",
        "'{0}' looks like an element-wise activation but is differentiated as a whole function only (Gradient and Tangent; no Derivative, tape extensions or function object): {1}",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor FloatingInteger = new(
        "AD0013", "A loop bound or index depends on a floating-point value",
        "'{0}': {1} '{2}' depends on the floating-point value '{3}', so the loop's trip count or the element read could change with the differentiated values; compute bounds and indices from int parameters, int locals, loop counters and lengths of span and array parameters",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedLoop = new(
        "AD0014", "Unsupported loop or jump in a [Differentiable] method",
        "'{0}' uses {1}; write a 'for' loop with one int counter, bounds that do not change inside it, a constant step, and no break, continue, goto or return inside",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ByReference = new(
        "AD0015", "A [Differentiable] method takes its parameters by value",
        "'{0}' takes parameter '{1}' as '{2}'; pass it by value (a ReadOnlySpan<T> or T[] for many values): the generated Gradient adds its own outputs",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        GeneratorFailed, NotStatic, NotInStaticPartialClass, WrongSignature, AssignsParameter,
        UnknownMethod, Recursion, NotDifferentiable, UnsupportedSyntax, ScalarKernel, WholeFunctionOnly,
        FloatingInteger, UnsupportedLoop, ByReference,
    };

    private static readonly Dictionary<string, DiagnosticDescriptor> byId = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => byId[id];
}
