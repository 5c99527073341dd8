using System.Collections;
using System.Reflection;
using AutoDiff.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using static AutoDiff.Tests.Generator.GeneratorHarness;

namespace AutoDiff.Tests.Generator;

/// <summary>The pipeline is incremental: an unrelated edit re-runs nothing downstream of the parse step.</summary>
public class CachingTests
{
    private const string Swish = """
        using System;
        using AutoDiff;
        namespace Consumer;
        public static partial class MyActivations
        {
            [Differentiable]
            public static double Swish(double x) => x / (1 + Math.Exp(-x));

            [Differentiable]
            public static T Soft<T>(T x, double a = 2) where T : System.Numerics.IFloatingPointIeee754<T> => T.Log(T.One + T.Exp(T.CreateTruncating(a) * x));
        }
        """;

    private const string Unrelated = "namespace Consumer; public static class Other { public static int Answer() => 42; }";

    [Fact]
    public void Unrelated_edit_is_cached()
    {
        var compilation = Compile(Swish, Unrelated);
        var driver = Driver().RunGenerators(compilation);
        var first = driver.GetRunResult();
        Assert.Equal(2, first.GeneratedTrees.Length);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText(Unrelated.Replace("42", "43"), LatestSyntax, path: "Source1.cs"));
        var second = driver.RunGenerators(edited).GetRunResult();

        var steps = second.Results.Single().TrackedSteps[DerivativeGenerator.ParseStep];
        Assert.NotEmpty(steps);
        Assert.All(steps.SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.All(second.Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Edit_to_the_activation_regenerates()
    {
        var compilation = Compile(Swish, Unrelated);
        var driver = Driver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.First(),
            CSharpSyntaxTree.ParseText(Swish.Replace("1 + Math.Exp(-x)", "2 + Math.Exp(-x)"), LatestSyntax, path: "Source0.cs"));
        var steps = driver.RunGenerators(edited).GetRunResult().Results.Single().TrackedSteps[DerivativeGenerator.ParseStep];
        Assert.Contains(steps.SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Model_holds_no_symbols_or_syntax()
    {
        var run = Driver().RunGenerators(Compile(Swish)).GetRunResult();
        foreach (var step in run.Results.Single().TrackedSteps[DerivativeGenerator.ParseStep])
            foreach (var (value, _) in step.Outputs)
                AssertNoRoslynObjects(value, new HashSet<object>(ReferenceEqualityComparer.Instance), "model");
    }

    private static void AssertNoRoslynObjects(object? value, HashSet<object> seen, string path)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        if (!seen.Add(value)) return;
        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree, $"{path} holds a {value.GetType().Name}");
        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (var item in items) AssertNoRoslynObjects(item, seen, $"{path}[{i++}]");
        }
        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            AssertNoRoslynObjects(field.GetValue(value), seen, path + "." + field.Name);
    }
}
