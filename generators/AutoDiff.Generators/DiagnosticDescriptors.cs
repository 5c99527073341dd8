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
        "'{0}' {1}; write 'double F(double x, ...)', 'float F(float x, ...)' or 'T F<T>(T x, ...) where T : IFloatingPointIeee754<T>', with further parameters passed by value as constants (double, float, int or T)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Loop = new(
        "AD0005", "Loops cannot be differentiated",
        "'{0}' contains a loop ('{1}'); write a closed form, or unroll a fixed number of steps",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AssignsParameter = new(
        "AD0006", "A [Differentiable] method must not assign to a parameter",
        "'{0}' assigns to parameter '{1}'; declare a local instead (var {1}2 = ...)",
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

    public static readonly DiagnosticDescriptor DifferentiatedConstantArgument = new(
        "AD0012", "Only the first argument of a [Differentiable] call may depend on x",
        "'{0}' passes an expression of '{1}' as argument {2} of '{3}', which the generator treats as a constant; pass x only as the first argument",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        GeneratorFailed, NotStatic, NotInStaticPartialClass, WrongSignature, Loop, AssignsParameter,
        UnknownMethod, Recursion, NotDifferentiable, UnsupportedSyntax, ScalarKernel, DifferentiatedConstantArgument,
    };

    private static readonly Dictionary<string, DiagnosticDescriptor> byId = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => byId[id];
}
