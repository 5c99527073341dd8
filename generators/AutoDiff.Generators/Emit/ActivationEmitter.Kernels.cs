using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

internal sealed partial class ActivationEmitter
{
    // ---- the kernel structs: f⁽ᵏ⁾ and f⁽ᵏ⁺¹⁾ (in terms of x and y = f⁽ᵏ⁾(x)) in scalar and vector forms

    private void KernelStruct(int order)
    {
        var kernel = derived.Kernels[order];
        var k = kernel.Graph;
        var taken = new HashSet<string>(reserved) { "x", "y" };
        string type = Member(order) + "Kernel";
        string iface = kernel.Vectorized ? "IVectorActivationKernel" : "IActivationKernel";
        if (!kernel.Vectorized)
            Line($"// Scalar only: {(order == 0 ? m.ScalarOnlyReason : null) ?? "the " + OrderWords[order + 1]} has no SIMD form.");
        Open($"private readonly struct {type}{TypeArgs} : {iface}<{Element}>{Constraint}");
        Fields(type);
        if (m.Extras.Length > 0) Line();
        Line(Inline);
        Line($"public {Element} Forward({Element} x) => {Member(order)}(x{FieldArguments});");
        Line();
        Line(Inline);
        Open($"public {Element} Derivative({Element} x, {Element} y)");
        Body(k, kernel.Derivative, ScalarDialect("x", FieldRef), kernel.Hints, taken);
        Close();
        if (!kernel.Vectorized)
        {
            Close();
            return;
        }
        foreach (int width in new[] { 128, 256, 512 })
        {
            if (IsGeneric)
            {
                Line();
                Dispatch(width, "Forward", "x", "x.AsSingle()", "x.AsDouble()");
                Line();
                Dispatch(width, "Derivative", "x, y", "x.AsSingle(), y.AsSingle()", "x.AsDouble(), y.AsDouble()");
                foreach (var (element, kind) in new[] { ("float", ElementKind.Single), ("double", ElementKind.Double) })
                {
                    string suffix = kind == ElementKind.Single ? "Single" : "Double";
                    Line();
                    VectorMethod(kernel, kernel.Forward, width, element, kind, $"private Vector{width}<{element}> Forward{suffix}(Vector{width}<{element}> x)", taken);
                    Line();
                    VectorMethod(kernel, kernel.Derivative, width, element, kind, $"private Vector{width}<{element}> Derivative{suffix}(Vector{width}<{element}> x, Vector{width}<{element}> y)", taken);
                }
            }
            else
            {
                Line();
                VectorMethod(kernel, kernel.Forward, width, Element, m.Kind, $"public Vector{width}<{Element}> Forward(Vector{width}<{Element}> x)", taken);
                Line();
                VectorMethod(kernel, kernel.Derivative, width, Element, m.Kind, $"public Vector{width}<{Element}> Derivative(Vector{width}<{Element}> x, Vector{width}<{Element}> y)", taken);
            }
        }
        Close();
    }

    // Kernel methods are inlined into the span drivers (ActivationKernels), which skip tier 0: a kernel left
    // as a call would run its own tier-0 code for every vector until it is rejitted.
    private const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";

    private void Dispatch(int width, string method, string parameters, string asSingle, string asDouble)
    {
        string v = $"Vector{width}<{T}>";
        string args = method == "Forward" ? $"{v} x" : $"{v} x, {v} y";
        Line(Inline);
        Line($"public {v} {method}({args})");
        Line($"    => typeof({T}) == typeof(float) ? {method}Single({asSingle}).As<float, {T}>()");
        Line($"    : typeof({T}) == typeof(double) ? {method}Double({asDouble}).As<double, {T}>()");
        Line($"    : throw new NotSupportedException();");
    }

    private void VectorMethod(KernelGraph kernel, int root, int width, string element, ElementKind kind, string signature, ISet<string> taken)
    {
        string Constant(string name)
        {
            var e = m.Extras.First(p => p.Name == name);
            string field = FieldRef(name);
            string scalar = e.Type == element ? field : IsGeneric && e.IsElement ? $"{element}.CreateTruncating({field})" : $"({element}){field}";
            return $"Vector{width}.Create({scalar})";
        }
        Line(Inline);
        Open(signature);
        Body(kernel.Graph, root, new Dialect(kind, element, width, name => name == m.ParameterName ? "x" : Constant(name)), kernel.Hints, taken);
        Close();
    }
}
