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
    /// <summary>(snapshot file, source members): one element-wise activation.</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "Swish.g.cs.txt", "    /// <summary>Swish, x·σ(x).</summary>\n    [Differentiable]\n    public static double Swish(double x) => x / (1 + Math.Exp(-x));" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratedFileMatchesTheSnapshot(string file, string members)
    {
        var (diagnostics, output, run) = Run(Activation(members));
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
