using System;
using AutoDiff.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AutoDiff.Generators;

/// <summary>
/// Writes the derivative of every <c>[AutoDiff.Differentiable]</c> method at compile time, plus what
/// puts it on the tape. Pipeline: <c>ForAttributeWithMetadataName</c> → <see cref="Parser"/> → an
/// equatable <see cref="FunctionModel"/> (and <see cref="ActivationModel"/>) → derive (<see cref="ReverseDerivation"/>, <see cref="ActivationDerivation"/>) → print (<see cref="FileEmitter"/>).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class DerivativeGenerator : IIncrementalGenerator
{
    /// <summary>The tracking name of the parse step, for caching tests.</summary>
    public const string ParseStep = "Parse";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "AutoDiff.DifferentiableAttribute",
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(ParseStep);

        context.RegisterSourceOutput(results, static (spc, result) =>
        {
            foreach (var d in result.Diagnostics) spc.ReportDiagnostic(d.ToDiagnostic());
            if (result.Function is null && result.Model is null) return;
            string source;
            try
            {
                source = FileEmitter.Emit(result);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                string name = result.Function?.MethodName ?? result.Model!.MethodName;
                spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GeneratorFailed, Location.None, name, e.GetType().Name + ": " + e.Message));
                return;
            }
            spc.AddSource(FileEmitter.HintName(result), source);
        });
    }
}
