using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Xunit;
using static AutoDiff.Tests.Generator.GeneratorHarness;

namespace AutoDiff.Tests.Generator;

/// <summary>
/// What the generator writes, checked in under <c>Generator/Snapshots/</c> so readers can see it: one
/// file per mode, compared text for text. After an intended change to the generated code, run the tests
/// with <c>AUTODIFF_UPDATE_SNAPSHOTS=1</c> and review the diff of the snapshot files.
/// </summary>
public class SnapshotTests
{
    /// <summary>
    /// (snapshot file, source members): an element-wise activation (which also gets Gradient and Tangent);
    /// whole functions with a loop whose values are recomputed in the reverse sweep (Rosenbrock), a loop
    /// whose overwritten value is checkpointed on a stack (Horner), and an inner loop whose result is
    /// stored rather than recomputed (a logistic-regression loss over constant data).
    /// </summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "Swish.g.cs.txt", "    /// <summary>Swish, x·σ(x).</summary>\n    [Differentiable]\n    public static double Swish(double x) => x / (1 + Math.Exp(-x));" },
        { "Rosenbrock.g.cs.txt", """
                [Differentiable]
                public static double Rosenbrock(ReadOnlySpan<double> x)
                {
                    double f = 0;
                    for (int i = 0; i < x.Length - 1; i++)
                    {
                        double a = 1 - x[i], b = x[i + 1] - x[i] * x[i];
                        f += a * a + 100 * b * b;
                    }
                    return f;
                }
            """ },
        { "Horner.g.cs.txt", """
                /// <summary>c₀ + c₁t + … + cₙtⁿ by Horner's rule.</summary>
                [Differentiable]
                public static double Horner(double t, ReadOnlySpan<double> c)
                {
                    double s = 0;
                    for (int i = c.Length - 1; i >= 0; i--) s = s * t + c[i];
                    return s;
                }
            """ },
        { "LogisticLoss.g.cs.txt", """
                /// <summary>Negative log-likelihood of logistic regression with weights w over n rows of x (row-major, d = w.Length) and labels y.</summary>
                [Differentiable]
                public static double LogisticLoss(ReadOnlySpan<double> w, [Constant] ReadOnlySpan<double> x, [Constant] ReadOnlySpan<double> y)
                {
                    int d = w.Length;
                    double loss = 0;
                    for (int i = 0; i < y.Length; i++)
                    {
                        double z = 0;
                        for (int j = 0; j < d; j++) z += w[j] * x[i * d + j];
                        loss += Math.Log(1 + Math.Exp(z)) - y[i] * z;
                    }
                    return loss;
                }
            """ },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratedFileMatchesTheSnapshot(string file, string members)
    {
        var (diagnostics, output, run) = Run(Activation(members, file == "Swish.g.cs.txt" ? "public static partial class MyActivations" : "public static partial class Objectives"));
        Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string generated = run.GeneratedTrees.Single().GetText().ToString().Replace("\r\n", "\n");
        string path = Path.Combine(SnapshotFolder(), file);
        if (Environment.GetEnvironmentVariable("AUTODIFF_UPDATE_SNAPSHOTS") == "1") File.WriteAllText(path, generated);
        Assert.True(File.Exists(path), $"no snapshot {path}: run with AUTODIFF_UPDATE_SNAPSHOTS=1 to write it");
        string expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected == generated) return;
        var a = expected.Split('\n');
        var b = generated.Split('\n');
        int line = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        Assert.Fail($"{file} differs from the generated code at line {line + 1}:\n  snapshot:  {(line < a.Length ? a[line] : "(end)")}\n  generated: {(line < b.Length ? b[line] : "(end)")}\n" +
            "If the change is intended, run with AUTODIFF_UPDATE_SNAPSHOTS=1 and review the diff.");
    }

    private static string SnapshotFolder([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Snapshots");
}
