using System.Reflection;
using System.Runtime.Loader;
using AutoDiff.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace AutoDiff.Tests.Reliability;

/// <summary>
/// The derivative generator under fire (<see cref="GeneratorFuzz"/>): on random well-formed bodies
/// it never throws, its output compiles, and each derivative it writes matches central differences
/// wherever the function is smooth and finite (and the second derivative matches differences of the
/// first; the vectorised tape kernel matches the scalar methods); on malformed bodies it never
/// throws and never emits code that fails to compile. 100 + 50 bodies in CI (about 6 s, mostly
/// compiling the generated code); set AUTODIFF_FUZZ_BODIES=N for N well-formed and N/2 malformed.
/// </summary>
public class GeneratorFuzzTests(ITestOutputHelper output)
{
    private static readonly int Bodies = int.TryParse(Environment.GetEnvironmentVariable("AUTODIFF_FUZZ_BODIES"), out int n) ? n : 100;

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    private static readonly MetadataReference[] References = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(Tape).Assembly.Location)).ToArray();

    private const string Usings = "using System;\nusing System.Numerics;\nusing AutoDiff;\n\nnamespace Fuzz;\n\n";

    /// <summary>Runs the generator over <paramref name="classes"/>; returns the updated compilation, the generated trees and the generator's own diagnostics.</summary>
    private static (Compilation Output, SyntaxTree[] Generated, Diagnostic[] Diagnostics) Generate(IEnumerable<string> classes, string name)
    {
        var trees = classes.Select((c, i) => CSharpSyntaxTree.ParseText(Usings + c, Parse, path: $"{name}{i}.cs")).ToArray();
        var compilation = CSharpCompilation.Create(name, trees, References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        var driver = CSharpGeneratorDriver.Create([new DerivativeGenerator().AsSourceGenerator()], parseOptions: Parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var updated, out _);
        var run = driver.GetRunResult();
        Assert.All(run.Results, r => Assert.Null(r.Exception)); // the generator never throws
        return (updated, run.GeneratedTrees.ToArray(), run.Diagnostics.ToArray());
    }

    /// <summary>
    /// Runs the generator over <paramref name="classes"/>, asserts that it did not fail (AD0001) and that the result
    /// compiles, then runs <paramref name="check"/> on the compiled assembly, loaded in a collectible context.
    /// </summary>
    private static void CompileAndLoad(IEnumerable<string> classes, string name, Action<Assembly> check)
    {
        var (compilation, _, diagnostics) = Generate(classes, name);
        var crashes = diagnostics.Where(d => d.Id == "AD0001").ToArray();
        Assert.True(crashes.Length == 0, "AD0001 (the generator failed): " + string.Join("\n", crashes.Select(d => d.GetMessage())));
        using var image = new MemoryStream();
        var emit = compilation.Emit(image);
        var errors = emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(emit.Success, $"{errors.Length} compile errors, first: {errors.FirstOrDefault()} in\n{errors.FirstOrDefault()?.Location.SourceTree}");
        var context = new AssemblyLoadContext(name, isCollectible: true);
        try
        {
            check(context.LoadFromStream(new MemoryStream(image.ToArray())));
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void Well_formed_bodies_compile_and_their_derivatives_match_central_differences()
    {
        var fuzz = new GeneratorFuzz(seed: 2024);
        var sources = Enumerable.Range(0, Bodies).Select(i => fuzz.Valid("F", inGeneric: i % 3 == 2)).ToArray();
        CompileAndLoad(sources.Select((s, i) => $"public static partial class C{i}\n{{\n{s}}}\n"), "fuzzvalid", assembly =>
        {
            int refused = 0, points = 0, bodiesChecked = 0;
            var failures = new List<string>();
            var rng = new Random(7);
            for (int i = 0; i < Bodies; i++)
            {
                var type = assembly.GetType($"Fuzz.C{i}")!;
                if (type.GetMethod("FDerivative") is null) { refused++; continue; } // refused with a diagnostic: allowed, counted
                var (f, d, d2, function) = Methods(type);
                int before = points;
                for (int p = 0; p < 12; p++)
                {
                    double x = Math.Round(rng.NextDouble() * 4 - 2, 3);
                    var (smooth, problem) = CheckPoint(f, d, d2, x);
                    if (problem is not null) failures.Add($"C{i} at x = {x}: {problem}\n{sources[i]}");
                    if (smooth) points++;
                }
                if (points > before) bodiesChecked++;
                if (CheckKernel(f, d, function, rng) is { } kernelProblem) failures.Add($"C{i} tape kernel: {kernelProblem}\n{sources[i]}");
                if (CheckGradient(type, f, d, rng) is { } gradientProblem) failures.Add($"C{i} Gradient/Tangent: {gradientProblem}\n{sources[i]}");
            }
            output.WriteLine($"generator bodies fuzzed (well-formed): {Bodies}; refused with a diagnostic: {refused}; " +
                $"checked against central differences: {bodiesChecked} bodies at {points} smooth points");
            foreach (var f in failures) output.WriteLine("MISMATCH " + f);
            Assert.True(failures.Count == 0, $"{failures.Count} derivative mismatches:\n" + string.Join("\n", failures.Take(8)));
            Assert.True(bodiesChecked > Bodies / 3, $"only {bodiesChecked} bodies had a smooth, finite point");
        });
    }

    private static (Func<double, double> F, Func<double, double> D, Func<double, double> D2, ElementwiseFunction<double> Function) Methods(Type type)
    {
        MethodInfo Get(string name)
        {
            var m = type.GetMethods().Single(m => m.Name == name && m.GetParameters().Length == (name.EndsWith("Function") ? 0 : 1)
                && (m.GetParameters().Length == 0 || !m.GetParameters()[0].ParameterType.Name.StartsWith("Var")) && m.GetParameters().All(p => p.ParameterType != typeof(Scalar)));
            return m.IsGenericMethodDefinition ? m.MakeGenericMethod(typeof(double)) : m;
        }
        Func<double, double> Call(MethodInfo m) => x => (double)m.Invoke(null, [x])!;
        return (Call(Get("F")), Call(Get("FDerivative")), Call(Get("FSecondDerivative")), (ElementwiseFunction<double>)Get("FFunction").Invoke(null, null)!);
    }

    /// <summary>Whether f is smooth and finite around x (else x is skipped), and what is wrong if anything.</summary>
    private static (bool Smooth, string? Problem) CheckPoint(Func<double, double> f, Func<double, double> d, Func<double, double> d2, double x)
    {
        var (fd, fdCoarse, scale) = Difference(f, x);
        if (double.IsNaN(fd)) return (false, null); // not finite or not smooth around x
        double analytic = d(x);
        double tol = 1e-6 * (1 + Math.Abs(fd)) + 4 * Math.Abs(fd - fdCoarse) + 1e-11 * scale;
        if (!(Math.Abs(analytic - fd) <= tol)) return (true, $"f' = {analytic:R}, central differences {fd:R} (±{tol:G2})");
        var (sd, sdCoarse, dscale) = Difference(d, x);
        if (double.IsNaN(sd)) return (true, null);
        double second = d2(x);
        double tol2 = 1e-5 * (1 + Math.Abs(sd)) + 4 * Math.Abs(sd - sdCoarse) + 1e-10 * dscale;
        return (true, Math.Abs(second - sd) <= tol2 ? null : $"f'' = {second:R}, central differences of f' {sd:R} (±{tol2:G2})");
    }

    /// <summary>(g(x+h/2) − g(x−h/2))/h and the same with 2h, or NaN when g is not finite or not smooth there.</summary>
    private static (double Fine, double Coarse, double Scale) Difference(Func<double, double> g, double x)
    {
        const double h = 1e-4;
        double[] v = [g(x - h), g(x - h / 2), g(x), g(x + h / 2), g(x + h)];
        double scale = v.Max(Math.Abs) / h;
        if (!v.All(double.IsFinite) || v.Max(Math.Abs) > 1e8) return (double.NaN, 0, 0);
        double fine = (v[3] - v[1]) / h, coarse = (v[4] - v[0]) / (2 * h);
        // A kink, a jump or a steep wall between the samples: the two step sizes disagree.
        if (Math.Abs(fine - coarse) > 1e-3 * (1 + Math.Abs(fine))) return (double.NaN, 0, 0);
        // A kink exactly at x: the one-sided slopes disagree though the central ones agree.
        double left = (v[2] - v[1]) / (h / 2), right = (v[3] - v[2]) / (h / 2);
        if (Math.Abs(left - right) > 1e-2 * (1 + Math.Abs(fine))) return (double.NaN, 0, 0);
        return (fine, coarse, scale);
    }

    /// <summary>The whole-function Gradient and Tangent of a one-variable body against its generated f and f′.</summary>
    private static string? CheckGradient(Type type, Func<double, double> f, Func<double, double> d, Random rng)
    {
        var method = type.GetMethods().Single(m => m.Name == "FGradient");
        var tangentMethod = type.GetMethods().Single(m => m.Name == "FTangent");
        if (method.IsGenericMethodDefinition) method = method.MakeGenericMethod(typeof(double));
        if (tangentMethod.IsGenericMethodDefinition) tangentMethod = tangentMethod.MakeGenericMethod(typeof(double));
        for (int k = 0; k < 8; k++)
        {
            double x = Math.Round(rng.NextDouble() * 4 - 2, 3);
            double fx = f(x), dfx = d(x);
            if (!double.IsFinite(fx) || !double.IsFinite(dfx) || Math.Abs(dfx) > 1e8 || double.IsNaN(Difference(f, x).Fine)) continue;
            var args = new object?[] { x, null };
            double value = (double)method.Invoke(null, args)!;
            double dx = (double)args[1]!;
            if (!(Math.Abs(value - fx) <= 1e-12 * (1 + Math.Abs(fx)))) return $"FGradient({x}) returned {value:R}, F = {fx:R}";
            if (!(Math.Abs(dx - dfx) <= 1e-9 * (1 + Math.Abs(dfx)))) return $"FGradient({x}) gives {dx:R}, FDerivative {dfx:R}";
            double tangent = (double)tangentMethod.Invoke(null, [x, 0.75])!;
            if (!(Math.Abs(tangent - 0.75 * dfx) <= 1e-9 * (1 + Math.Abs(dfx)))) return $"FTangent({x}, 0.75) = {tangent:R}, 0.75·F′ = {0.75 * dfx:R}";
        }
        return null;
    }

    /// <summary>The tape kernel (vectorised where the generator vectorised it) against the scalar methods.</summary>
    private static string? CheckKernel(Func<double, double> f, Func<double, double> d, ElementwiseFunction<double> function, Random rng)
    {
        var x = Enumerable.Range(0, 37).Select(_ => Math.Round(rng.NextDouble() * 4 - 2, 3)).ToArray();
        var y = new double[x.Length];
        var dx = new double[x.Length];
        function.Forward(x, y);
        function.Backward(x, y, Enumerable.Repeat(1.0, x.Length).ToArray(), dx);
        for (int k = 0; k < x.Length; k++)
        {
            double fy = f(x[k]), fd = d(x[k]);
            if (!double.IsFinite(fy) || Math.Abs(fy) > 1e8 || double.IsNaN(Difference(f, x[k]).Fine)) continue;
            if (!(Math.Abs(y[k] - fy) <= 1e-9 * (1 + Math.Abs(fy)))) return $"y({x[k]}) = {y[k]:R}, scalar {fy:R}";
            if (double.IsFinite(fd) && !(Math.Abs(dx[k] - fd) <= 1e-7 * (1 + Math.Abs(fd)))) return $"dy/dx({x[k]}) = {dx[k]:R}, scalar {fd:R}";
        }
        return null;
    }

    /// <summary>
    /// Multi-parameter bodies with loops: the generated Gradient of f(a, b, x) matches central differences
    /// in every coordinate wherever f is smooth, returns f, and the Tangent equals ∇f·t. Bodies are compiled
    /// in one batch (50, or AUTODIFF_FUZZ_BODIES/2).
    /// </summary>
    [Fact]
    public void Whole_function_bodies_with_loops_compile_and_their_gradients_match_central_differences()
    {
        int count = Math.Max(10, Bodies / 2);
        var fuzz = new GeneratorFuzz(seed: 4711);
        var sources = Enumerable.Range(0, count).Select(_ => fuzz.WholeValid("W")).ToArray();
        CompileAndLoad(sources.Select((s, i) => $"public static partial class W{i}\n{{\n{s}}}\n"), "fuzzwhole", assembly =>
        {
            var rng = new Random(11);
            var failures = new List<string>();
            int checkedBodies = 0, checkedCoordinates = 0;
            for (int k = 0; k < count; k++)
            {
                var type = assembly.GetType($"Fuzz.W{k}")!;
                var f = (WholeF)Delegate.CreateDelegate(typeof(WholeF), type.GetMethod("W")!);
                var gradient = (WholeGradient)Delegate.CreateDelegate(typeof(WholeGradient), type.GetMethod("WGradient")!);
                var tangent = (WholeTangent)Delegate.CreateDelegate(typeof(WholeTangent), type.GetMethod("WTangent")!);
                bool any = false;
                for (int point = 0; point < 4; point++)
                {
                    var p = Enumerable.Range(0, 6).Select(_ => Math.Round(rng.NextDouble() * 3 - 1.5, 3)).ToArray();
                    double F(double[] q) => f(q[0], q[1], q.AsSpan(2));
                    double value = F(p);
                    if (!double.IsFinite(value) || Math.Abs(value) > 1e8) continue;
                    var dx = new double[4];
                    double returned = gradient(p[0], p[1], p.AsSpan(2), out double da, out double db, dx);
                    double[] g = [da, db, .. dx];
                    if (!(Math.Abs(returned - value) <= 1e-12 * Math.Max(1, Math.Abs(value)))) failures.Add($"W{k}: Gradient returned {returned:R}, f = {value:R}\n{sources[k]}");
                    double scale = Math.Max(1, g.Max(Math.Abs));
                    for (int i = 0; i < 6; i++)
                    {
                        var (fd, coarse, _) = Difference(v => { var q = (double[])p.Clone(); q[i] = v; return F(q); }, p[i]);
                        if (double.IsNaN(fd)) continue;
                        any = true;
                        checkedCoordinates++;
                        // near a pole the differences themselves are off: allow what the two step sizes disagree by
                        if (!(Math.Abs(g[i] - fd) <= 1e-6 * scale + 1e-6 * Math.Abs(fd) + 4 * Math.Abs(fd - coarse)))
                            failures.Add($"W{k} at p = [{string.Join(", ", p)}]: ∂f/∂p[{i}] = {g[i]:R}, central differences {fd:R}\n{sources[k]}");
                    }
                    var t = Enumerable.Range(0, 6).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
                    double expected = g.Zip(t, (x, y) => x * y).Sum(), size = g.Zip(t, (x, y) => Math.Abs(x * y)).Sum();
                    double directional = tangent(p[0], p[1], p.AsSpan(2), t[0], t[1], t.AsSpan(2));
                    if (!(Math.Abs(directional - expected) <= 1e-9 * (1 + size))) failures.Add($"W{k}: Tangent {directional:R}, ∇f·t {expected:R}\n{sources[k]}");
                }
                if (any) checkedBodies++;
            }
            output.WriteLine($"whole-function bodies fuzzed: {count}; checked against central differences: {checkedBodies} bodies, {checkedCoordinates} coordinates");
            foreach (var failure in failures) output.WriteLine("MISMATCH " + failure);
            Assert.True(failures.Count == 0, $"{failures.Count} mismatches:\n" + string.Join("\n", failures.Take(5)));
            Assert.True(checkedBodies > count / 2, $"only {checkedBodies} bodies had a smooth, finite point");
        });
    }

    private delegate double WholeF(double a, double b, ReadOnlySpan<double> x);

    private delegate double WholeGradient(double a, double b, ReadOnlySpan<double> x, out double da, out double db, Span<double> dx);

    private delegate double WholeTangent(double a, double b, ReadOnlySpan<double> x, double ta, double tb, ReadOnlySpan<double> tx);

    [Fact]
    public void Malformed_bodies_never_crash_the_generator_nor_yield_generated_code_that_fails_to_compile()
    {
        var fuzz = new GeneratorFuzz(seed: 99);
        var cases = Enumerable.Range(0, Bodies / 2).Select(i => fuzz.Malformed("F", i)).ToArray();
        // each in its own class, with the helpers some of them call
        var classes = cases.Select((c, i) => $"public static partial class M{i}\n{{\n    public static double Helper(double t) => t;\n    public static double Field = 2;\n\n{c.Source}}}\n");
        var (compilation, generated, diagnostics) = Generate(classes, "fuzzbad");
        var crashes = diagnostics.Where(d => d.Id == "AD0001").ToArray();
        var generatedErrors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && generated.Contains(d.Location.SourceTree)).ToArray();
        var emitted = generated.Select(t => Path.GetFileName(t.FilePath)).ToHashSet();
        var kinds = cases.Select((c, i) => (c.Kind, Emitted: emitted.Any(e => e.StartsWith($"Fuzz.M{i}.")))).ToArray();
        foreach (var g in kinds.GroupBy(k => k.Kind).OrderBy(g => g.Key))
            output.WriteLine($"{g.Key}: {g.Count()} bodies, {g.Count(k => k.Emitted)} with generated code");
        output.WriteLine($"generator bodies fuzzed (malformed): {cases.Length}");
        Assert.True(crashes.Length == 0, "AD0001 (the generator failed): " + string.Join("\n", crashes.Select(d => d.GetMessage())));
        Assert.True(generatedErrors.Length == 0, $"{generatedErrors.Length} errors in generated code, first: {generatedErrors.FirstOrDefault()}\n{generatedErrors.FirstOrDefault()?.Location.SourceTree}");
    }
}
