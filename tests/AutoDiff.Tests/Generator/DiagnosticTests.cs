using AutoDiff.Generators;
using Microsoft.CodeAnalysis;
using Xunit;
using static AutoDiff.Tests.Generator.GeneratorHarness;

namespace AutoDiff.Tests.Generator;

/// <summary>Every diagnostic ID from a small source, pointing at the offending span; never a generator crash.</summary>
public class DiagnosticTests
{
    /// <summary>(id, source, the text the diagnostic must point at, severity).</summary>
    public static TheoryData<string, string, string, DiagnosticSeverity> Cases() => new()
    {
        { "AD0002", Activation("[Differentiable] public double F(double x) => x;", "public partial class MyActivations"), "F", DiagnosticSeverity.Error },
        { "AD0003", Activation("[Differentiable] public static double F(double x) => x;", "public static class MyActivations"), "MyActivations", DiagnosticSeverity.Error },
        { "AD0004", Activation("[Differentiable] public static double F(int x) => x;"), "F", DiagnosticSeverity.Error },
        { "AD0004", Activation("[Differentiable] public static double F(double x, string s) => x;"), "F", DiagnosticSeverity.Error },
        { "AD0004", Activation("[Differentiable] public static T F<T>(T x) where T : INumber<T> => x;"), "F", DiagnosticSeverity.Error },
        { "AD0004", Activation("[Differentiable] public static double F(double x) => x;\n[Differentiable] public static float F(float x) => x;"), "F", DiagnosticSeverity.Error },
        { "AD0006", Activation("[Differentiable] public static double F(double x) { x = x * 2; return x; }"), "x = x * 2", DiagnosticSeverity.Error },
        { "AD0006", Activation("[Differentiable] public static double F(double[] x) { x[0] = 1; return x[0]; }"), "x[0] = 1", DiagnosticSeverity.Error },
        { "AD0007", Activation("static double Helper(double v) => v;\n[Differentiable] public static double F(double x) => 2 * Helper(x);"), "Helper(x)", DiagnosticSeverity.Error },
        { "AD0007", Activation("[Differentiable] public static double F(double x) => Math.Hypot(x, 1);".Replace("Math.Hypot", "double.Hypot")), "double.Hypot(x, 1)", DiagnosticSeverity.Error },
        { "AD0008", Activation("[Differentiable] public static double F(double x) => x > 1 ? F(x / 2) : x;"), "F(x / 2)", DiagnosticSeverity.Error },
        { "AD0009", Activation("[Differentiable] public static double F(double x) => x + Math.Floor(x);"), "Math.Floor(x)", DiagnosticSeverity.Warning },
        { "AD0009", Activation("[Differentiable] public static double F(double x) => x * (int)x;"), "(int)x", DiagnosticSeverity.Warning },
        { "AD0010", Activation("[Differentiable] public static double F(double x) => x % 2;"), "x % 2", DiagnosticSeverity.Error },
        { "AD0010", Activation("[Differentiable] public static double F(double x) { switch (x) { default: return x; } }"), "switch (x) { default: return x; }", DiagnosticSeverity.Error },
        { "AD0010", Activation("static double scale = 2;\n[Differentiable] public static double F(double x) => scale * x;"), "scale", DiagnosticSeverity.Error },
        { "AD0011", Activation("[Differentiable] public static double F(double x) => Math.Atan(x) + x;"), "Math.Atan(x)", DiagnosticSeverity.Info },
        { "AD0012", Activation("[Differentiable] public static double G(double x, double a) => a * x;\n[Differentiable] public static double F(double x) => G(x, x);"), "x", DiagnosticSeverity.Info },
        { "AD0012", Activation("[Differentiable] public static double F(double x) { double s = 0; for (int i = 0; i < 3; i++) s += x; return s; }"), "F", DiagnosticSeverity.Info },
        { "AD0013", Activation("[Differentiable] public static double F(double x) { double s = 0; for (int i = 0; i < (int)x; i++) s += x; return s; }"), "(int)x", DiagnosticSeverity.Error },
        { "AD0013", Activation("[Differentiable] public static double F(ReadOnlySpan<double> x, double y) => x[(int)y];"), "(int)y", DiagnosticSeverity.Error },
        { "AD0014", Activation("[Differentiable] public static double F(double x) { double s = x; while (s > 1) s /= 2; return s; }"), "while (s > 1) s /= 2;", DiagnosticSeverity.Error },
        { "AD0014", Activation("[Differentiable] public static double F(double[] x) { double s = 0; foreach (var v in x) s += v; return s; }"), "foreach (var v in x) s += v;", DiagnosticSeverity.Error },
        { "AD0014", Activation("[Differentiable] public static double F(double x) { double s = x; do s /= 2; while (s > 1); return s; }"), "do s /= 2; while (s > 1);", DiagnosticSeverity.Error },
        { "AD0014", Activation("[Differentiable] public static double F(double x) { double s = 0; for (int i = 0; i < 9; i++) { if (s > 1) break; s += x; } return s; }"), "break;", DiagnosticSeverity.Error },
        { "AD0014", Activation("[Differentiable] public static double F(double x) { double s = 0; for (int i = 0; i < 9; i++) { if (s > 1) return s; s += x; } return s; }"), "return s;", DiagnosticSeverity.Error },
        { "AD0014", Activation("[Differentiable] public static double F(double x) { double s = 0; for (int i = 0; i < 9; i++) { s += x; i++; } return s; }"), "i++", DiagnosticSeverity.Error },
        { "AD0014", Activation("[Differentiable] public static double F(double x) { double s = 0; for (int i = 0; i < 9; i *= 2) s += x; return s; }"), "for (int i = 0; i < 9; i *= 2) s += x;", DiagnosticSeverity.Error },
        { "AD0014", Activation("[Differentiable] public static double F(double x) { double s = 0; goto end; end: return s + x; }"), "goto end;", DiagnosticSeverity.Error },
        { "AD0015", Activation("[Differentiable] public static double F(ref double x) => x;"), "ref double x", DiagnosticSeverity.Error },
        { "AD0015", Activation("[Differentiable] public static double F(double x, out double y) { y = x; return x; }"), "out double y", DiagnosticSeverity.Error },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsIdAtTheOffendingSpan(string id, string source, string span, DiagnosticSeverity severity)
    {
        var (diagnostics, output, _) = Run(source);
        var found = diagnostics.Where(x => x.Id == id).ToList();
        Assert.NotEmpty(found);
        var d = found[0];
        Assert.Equal(severity, d.Severity);
        Assert.Equal(span, source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Equal("Source0.cs", d.Location.GetLineSpan().Path);
        Assert.False(string.IsNullOrWhiteSpace(d.GetMessage()));
        Assert.DoesNotContain(output.GetDiagnostics(), x => x.Id is "CS8784" or "CS8785"); // generator crashed
        if (severity != DiagnosticSeverity.Error)
            Assert.Empty(output.GetDiagnostics().Where(x => x.Severity == DiagnosticSeverity.Error)); // still generated, and it compiles
    }

    [Fact]
    public void EveryDescriptorIsCoveredAboveOrBelow()
    {
        var covered = Cases().Select(row => (string)row[0]).Append("AD0001").ToHashSet();
        Assert.DoesNotContain("AD0005", DiagnosticDescriptors.All.Select(d => d.Id)); // retired: loops are supported (AD0013, AD0014 cover what is not)
        Assert.All(DiagnosticDescriptors.All, d => Assert.Contains(d.Id, covered));
    }

    [Fact]
    public void AD0001_AnExceptionInTheParserBecomesADiagnostic()
    {
        var location = Location.Create("Activations.cs", new Microsoft.CodeAnalysis.Text.TextSpan(10, 4), default);
        var result = DerivativeGenerator.Parser.Guard("Swish", location, () => throw new InvalidOperationException("boom"));
        Assert.Null(result.Model);
        var d = Assert.Single(result.Diagnostics).ToDiagnostic();
        Assert.Equal("AD0001", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("Swish", d.GetMessage());
        Assert.Contains("boom", d.GetMessage());
        Assert.Equal(10, d.Location.SourceSpan.Start);
    }

    [Fact]
    public void AD0001_CancellationIsNotSwallowed()
        => Assert.Throws<OperationCanceledException>(() =>
            DerivativeGenerator.Parser.Guard("Swish", Location.None, () => throw new OperationCanceledException()));

    /// <summary>Broken and odd sources: the generator reports or ignores them but never throws.</summary>
    [Theory]
    [InlineData("[Differentiable] public static double F(double x) => ;")]
    [InlineData("[Differentiable] public static double F(double x) { if (x > 0) return x; }")]
    [InlineData("[Differentiable] public static double F(double x) { double t; return t; }")]
    [InlineData("[Differentiable] public static extern double F(double x);")]
    [InlineData("[Differentiable] public static double F(double x) => Undefined(x);")]
    [InlineData("[Differentiable] public static double F(double x) => x switch { > 0 => x, _ => 0 };")]
    [InlineData("[Differentiable] public static double F(double x) { var f = (double v) => v; return f(x); }")]
    [InlineData("[Differentiable] public static double F(double x) { throw new Exception(); }")]
    [InlineData("[Differentiable] public static double F(params double[] x) => 0;")]
    [InlineData("[Differentiable] public static double F() => 1;")]
    public void NeverCrashes(string member)
    {
        var (_, output, run) = Run(Activation(member));
        Assert.All(run.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(output.GetDiagnostics(), x => x.Id is "CS8784" or "CS8785");
    }
}
