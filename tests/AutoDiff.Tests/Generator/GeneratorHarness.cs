using System.Collections.Immutable;
using AutoDiff.Generators;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AutoDiff.Tests.Generator;

/// <summary>Runs <see cref="DerivativeGenerator"/> over a source in memory, against .NET 10 and AutoDiff.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions LatestSyntax = new(LanguageVersion.Preview);

    private static readonly ImmutableArray<MetadataReference> References =
        [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(Tape).Assembly.Location)];

    public static CSharpCompilation Compile(params string[] sources) => CSharpCompilation.Create(
        "GeneratorTest",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, LatestSyntax, path: $"Source{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        [new DerivativeGenerator().AsSourceGenerator()],
        parseOptions: LatestSyntax,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>The generator's diagnostics, the compilation with its output, and the run result.</summary>
    public static (ImmutableArray<Diagnostic> Diagnostics, Compilation Output, GeneratorDriverRunResult Run) Run(string source)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(Compile(source), out var output, out var diagnostics);
        return (diagnostics, output, driver.GetRunResult());
    }

    /// <summary>A class around <paramref name="members"/> with the usings an activation file has.</summary>
    public static string Activation(string members, string header = "public static partial class MyActivations") => $$"""
        using System;
        using System.Numerics;
        using AutoDiff;

        namespace Consumer;

        {{header}}
        {
        {{members}}
        }
        """;
}
