using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using AutoDiff.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AutoDiff.Generators;

public sealed partial class DerivativeGenerator
{
    /// <summary>
    /// Turns one <c>[Differentiable]</c> method into an <see cref="ActivationModel"/>: checks the
    /// declaration, then runs the body symbolically (locals are bindings, <c>if</c>/<c>else</c> become
    /// conditional expressions) into one expression graph. Reports what it cannot handle.
    /// </summary>
    internal sealed partial class Parser
    {
        private const string AttributeName = "AutoDiff.DifferentiableAttribute";

        private readonly SemanticModel semantic;
        private readonly IMethodSymbol method;
        private readonly MethodDeclarationSyntax syntax;
        private readonly CancellationToken cancellation;
        private readonly List<DiagnosticInfo> diagnostics = new();
        private readonly Graph graph = new();
        private readonly List<NameHint> hints = new();
        private readonly HashSet<int> hinted = new();
        private string? scalarOnlyReason;
        private SyntaxNode? scalarOnlyAt;
        private ElementKind kind;

        private Parser(SemanticModel semantic, IMethodSymbol method, MethodDeclarationSyntax syntax, CancellationToken cancellation)
        {
            this.semantic = semantic;
            this.method = method;
            this.syntax = syntax;
            this.cancellation = cancellation;
        }

        private string Name => method.Name;

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
        {
            var syntax = (MethodDeclarationSyntax)context.TargetNode;
            var method = (IMethodSymbol)context.TargetSymbol;
            return Guard(method.Name, syntax.Identifier.GetLocation(), () => new Parser(context.SemanticModel, method, syntax, cancellation).Run());
        }

        /// <summary>Runs <paramref name="parse"/>, turning any exception but cancellation into diagnostic AD0001.</summary>
        internal static ParseResult Guard(string methodName, Location location, Func<ParseResult> parse)
        {
            try
            {
                return parse();
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                var d = DiagnosticInfo.Create(DiagnosticDescriptors.GeneratorFailed, LocationInfo.From(location), methodName, e.GetType().Name + ": " + e.Message);
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(new[] { d }));
            }
        }

        private ParseResult Run()
        {
            var at = LocationInfo.From(syntax.Identifier.GetLocation());
            if (!method.IsStatic) Report(DiagnosticDescriptors.NotStatic, at, Name);
            var type = method.ContainingType;
            bool partialClass = syntax.Parent is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword);
            if (!partialClass || !type.IsStatic || type.ContainingType is not null || type.IsGenericType)
                Report(DiagnosticDescriptors.NotInStaticPartialClass,
                    LocationInfo.From(syntax.Parent is ClassDeclarationSyntax cd ? cd.Identifier.GetLocation() : syntax.GetLocation()), Name, type.Name);
            if (type.GetMembers(Name).OfType<IMethodSymbol>().Count(IsDifferentiable) > 1)
                Report(DiagnosticDescriptors.WrongSignature, at, Name, "is overloaded by another [Differentiable] method of that name; give each its own name, since their generated members would clash");
            var extras = CheckSignature(at);
            if (diagnostics.Count > 0 || extras is null) return Done(null);

            int? root = null;
            if (syntax.ExpressionBody is { } arrow) root = Expr(arrow.Expression, new Dictionary<string, int>());
            else if (syntax.Body is { } body) root = Exec(body.Statements, 0, new Dictionary<string, int>());
            else Report(DiagnosticDescriptors.WrongSignature, at, Name, "has no body");
            if (root is null && syntax.Body is not null)
                Report(DiagnosticDescriptors.UnsupportedSyntax, at, Name, "a path that does not return", "end every path with 'return'");
            if (diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error) || root is null)
                return Done(null);

            if (scalarOnlyReason is not null)
                Report(DiagnosticDescriptors.ScalarKernel, LocationInfo.From(scalarOnlyAt!), Name, scalarOnlyReason, Ops.VectorMethodNames);
            var model = new ActivationModel(
                type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
                type.Name,
                Name,
                method.DeclaredAccessibility switch
                {
                    Accessibility.Public => "public",
                    Accessibility.Private => "private",
                    _ => "internal",
                },
                kind,
                method.TypeParameters.Length == 1 ? method.TypeParameters[0].Name : "",
                method.Parameters[0].Name,
                new EquatableArray<ExtraParameter>(extras),
                graph.ToArray(),
                root.Value,
                new EquatableArray<NameHint>(hints.ToArray()),
                scalarOnlyReason,
                WeightInitArgument());
            return Done(model);
        }

        /// <summary>The attribute's <c>WeightInit = …</c> as C#, or null when it is not set.</summary>
        private string? WeightInitArgument()
        {
            var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeName);
            foreach (var named in attribute?.NamedArguments ?? ImmutableArray<KeyValuePair<string, TypedConstant>>.Empty)
                if (named.Key == "WeightInit" && named.Value.Value is not null)
                    return "global::" + named.Value.ToCSharpString();
            return null;
        }

        private static bool IsDifferentiable(IMethodSymbol m)
            => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttributeName);

        private ParseResult Done(ActivationModel? model) => new(model, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));

        private void Report(DiagnosticDescriptor descriptor, LocationInfo? at, params string[] args)
            => diagnostics.Add(DiagnosticInfo.Create(descriptor, at, args));

        private void Report(DiagnosticDescriptor descriptor, SyntaxNode at, params string[] args)
            => Report(descriptor, LocationInfo.From(at), args);

        private ExtraParameter[]? CheckSignature(LocationInfo? at)
        {
            string? problem = null;
            var ps = method.Parameters;
            ITypeSymbol? element = null;
            if (ps.Length == 0) problem = "has no parameter to differentiate";
            else if (method.TypeParameters.Length > 1) problem = "has more than one type parameter";
            else if (method.TypeParameters.Length == 1)
            {
                var tp = method.TypeParameters[0];
                element = tp;
                kind = ElementKind.Generic;
                if (!tp.ConstraintTypes.Any(IsFloatingPointIeee754)) problem = $"does not constrain '{tp.Name}' to IFloatingPointIeee754<{tp.Name}>";
                else if (!SymbolEqualityComparer.Default.Equals(method.ReturnType, tp) || !SymbolEqualityComparer.Default.Equals(ps[0].Type, tp))
                    problem = $"must return '{tp.Name}' and take '{tp.Name}' as its first parameter";
            }
            else
            {
                element = method.ReturnType;
                if (method.ReturnType.SpecialType == SpecialType.System_Double) kind = ElementKind.Double;
                else if (method.ReturnType.SpecialType == SpecialType.System_Single) kind = ElementKind.Single;
                else problem = $"returns '{method.ReturnType.ToDisplayString()}'";
                if (problem is null && !SymbolEqualityComparer.Default.Equals(ps[0].Type, method.ReturnType))
                    problem = $"takes '{ps[0].Type.ToDisplayString()}' as its first parameter but returns '{method.ReturnType.ToDisplayString()}'";
            }
            if (problem is null && method.ReturnsByRef) problem = "returns by reference";
            var extras = new List<ExtraParameter>();
            for (int i = 0; problem is null && i < ps.Length; i++)
            {
                var p = ps[i];
                if (p.RefKind != RefKind.None || p.IsParams) { problem = $"passes parameter '{p.Name}' by reference or as params"; break; }
                if (i == 0) continue;
                bool isElement = SymbolEqualityComparer.Default.Equals(p.Type, element);
                string? typeName = isElement ? (kind == ElementKind.Generic ? p.Type.Name : Keyword(p.Type.SpecialType)) : Keyword(p.Type.SpecialType);
                if (typeName is null) { problem = $"has parameter '{p.Name}' of type '{p.Type.ToDisplayString()}'"; break; }
                extras.Add(new ExtraParameter(p.Name, typeName, isElement, p.HasExplicitDefaultValue ? Literal(p.ExplicitDefaultValue, p.Type.SpecialType) : null));
            }
            if (problem is not null)
            {
                Report(DiagnosticDescriptors.WrongSignature, at, Name, problem);
                return null;
            }
            return extras.ToArray();
        }

        private static bool IsFloatingPointIeee754(ITypeSymbol t)
            => t.Name == "IFloatingPointIeee754" && t.ContainingNamespace?.ToDisplayString() == "System.Numerics";

        private static string? Keyword(SpecialType t) => t switch
        {
            SpecialType.System_Double => "double",
            SpecialType.System_Single => "float",
            SpecialType.System_Int32 => "int",
            _ => null,
        };

        private static string? Literal(object? value, SpecialType type) => value switch
        {
            null => null,
            double d => Literals.Double(d),
            float f => Literals.Single(f),
            IFormattable n when type != SpecialType.None => n.ToString(null, CultureInfo.InvariantCulture),
            _ => null,
        };
    }
}
