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
    /// Turns one <c>[Differentiable]</c> method into models: checks the declaration, reads the body into
    /// statements over one expression graph (<see cref="FunctionModel"/>, <c>Parser.Statements.cs</c> and
    /// <c>Parser.Expressions.cs</c>), and when the method is an element-wise activation (one differentiated
    /// scalar, loop-free) runs those statements symbolically into the <see cref="ActivationModel"/>
    /// (<c>Parser.Activation.cs</c>). Reports what it cannot handle where it is written.
    /// </summary>
    internal sealed partial class Parser
    {
        private const string AttributeName = "AutoDiff.DifferentiableAttribute";
        private const string ConstantAttributeName = "AutoDiff.ConstantAttribute";

        private readonly SemanticModel semantic;
        private readonly IMethodSymbol method;
        private readonly MethodDeclarationSyntax syntax;
        private readonly CancellationToken cancellation;
        private readonly List<DiagnosticInfo> diagnostics = new();
        private readonly Graph graph = new();
        /// <summary>Where each node was first written, for diagnostics found after parsing (AD0012).</summary>
        private readonly Dictionary<int, SyntaxNode> origin = new();
        private readonly List<string> locals = new();
        private string? scalarOnlyReason;
        private SyntaxNode? scalarOnlyAt;
        private ElementKind kind;
        private ITypeSymbol? element;
        private bool hasLoops;
        private bool hasIntLocals;

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
                return new ParseResult(null, null, new EquatableArray<DiagnosticInfo>(new[] { d }));
            }
        }

        private bool HasErrors => diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);

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
            var parameters = CheckSignature(at);
            if (HasErrors || parameters is null) return Done(null, null);

            Statement[]? body = null;
            if (syntax.ExpressionBody is { } arrow)
                body = new[] { Statement.Return(Expr(arrow.Expression), "return " + OneLine(arrow.Expression)) };
            else if (syntax.Body is { } block)
            {
                var (statements, returns) = Block(block.Statements, 0, null, inLoop: false);
                if (!returns) Report(DiagnosticDescriptors.UnsupportedSyntax, at, Name, "a path that does not return", "end every path with 'return'");
                body = statements.ToArray();
            }
            else Report(DiagnosticDescriptors.WrongSignature, at, Name, "has no body");
            if (HasErrors || body is null) return Done(null, null);

            string ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
            string accessibility = method.DeclaredAccessibility switch
            {
                Accessibility.Public => "public",
                Accessibility.Private => "private",
                _ => "internal",
            };
            string typeParameter = method.TypeParameters.Length == 1 ? method.TypeParameters[0].Name : "";
            var function = new FunctionModel(ns, type.Name, Name, accessibility, kind, typeParameter,
                new EquatableArray<FunctionParameter>(parameters), graph.ToArray(), new EquatableArray<Statement>(body),
                new EquatableArray<string>(locals.Distinct().ToArray()));
            var activation = Activation(body, ns, type.Name, accessibility, typeParameter);
            if (HasErrors) return Done(null, null);
            return Done(function, activation);
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

        private static bool IsConstant(IParameterSymbol p)
            => p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == ConstantAttributeName);

        private ParseResult Done(FunctionModel? function, ActivationModel? activation)
            => new(function, activation, new EquatableArray<DiagnosticInfo>(diagnostics.Distinct().ToArray()));

        private void Report(DiagnosticDescriptor descriptor, LocationInfo? at, params string[] args)
            => diagnostics.Add(DiagnosticInfo.Create(descriptor, at, args));

        private void Report(DiagnosticDescriptor descriptor, SyntaxNode at, params string[] args)
            => Report(descriptor, LocationInfo.From(at), args);

        private static string OneLine(SyntaxNode node) => string.Join(" ", node.ToString().Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));

        // ---- the signature

        /// <summary>The parameters as the whole function sees them, or null (with a diagnostic) when the signature is not supported.</summary>
        private FunctionParameter[]? CheckSignature(LocationInfo? at)
        {
            string? problem = null;
            var ps = method.Parameters;
            if (method.TypeParameters.Length > 1) problem = "has more than one type parameter";
            else if (method.TypeParameters.Length == 1)
            {
                var tp = method.TypeParameters[0];
                element = tp;
                kind = ElementKind.Generic;
                if (!tp.ConstraintTypes.Any(IsFloatingPointIeee754)) problem = $"does not constrain '{tp.Name}' to IFloatingPointIeee754<{tp.Name}>";
                else if (!SymbolEqualityComparer.Default.Equals(method.ReturnType, tp)) problem = $"must return '{tp.Name}'";
            }
            else
            {
                element = method.ReturnType;
                if (method.ReturnType.SpecialType == SpecialType.System_Double) kind = ElementKind.Double;
                else if (method.ReturnType.SpecialType == SpecialType.System_Single) kind = ElementKind.Single;
                else problem = $"returns '{method.ReturnType.ToDisplayString()}'";
            }
            if (problem is null && method.ReturnsByRef) problem = "returns by reference";
            var result = new List<FunctionParameter>();
            for (int i = 0; problem is null && i < ps.Length; i++)
            {
                var p = ps[i];
                if (p.RefKind != RefKind.None || p.IsParams)
                {
                    Report(DiagnosticDescriptors.ByReference, p.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) ?? syntax, Name, p.Name,
                        p.IsParams ? "params" : p.RefKind.ToString().ToLowerInvariant());
                    return null;
                }
                var parameter = Classify(p, out problem);
                if (parameter is not null) result.Add(parameter);
            }
            if (problem is null && ps.Length == 0) problem = "has no parameter to differentiate";
            else if (problem is null && !result.Any(p => p.Kind is ParameterKind.Scalar or ParameterKind.Span or ParameterKind.Array))
                problem = "has no floating-point parameter to differentiate";
            if (problem is null)
                foreach (var p in result.Where(p => p.Differentiable))
                    foreach (var generated in new[] { "d" + p.Name, "t" + p.Name })
                        if (result.Any(q => q.Name == generated))
                            problem ??= $"has a parameter '{generated}', the name of the generated adjoint or tangent of '{p.Name}'; rename it";
            if (problem is not null)
            {
                Report(DiagnosticDescriptors.WrongSignature, at, Name, problem);
                return null;
            }
            return result.ToArray();
        }

        /// <summary>A parameter's kind and type, or null with <paramref name="problem"/> set.</summary>
        private FunctionParameter? Classify(IParameterSymbol p, out string? problem)
        {
            problem = null;
            bool differentiable = !IsConstant(p);
            var t = p.Type;
            if (SymbolEqualityComparer.Default.Equals(t, element)) return new FunctionParameter(p.Name, ParameterKind.Scalar, ElementName, differentiable);
            switch (t.SpecialType)
            {
                case SpecialType.System_Double: return new FunctionParameter(p.Name, ParameterKind.Scalar, "double", differentiable);
                case SpecialType.System_Single: return new FunctionParameter(p.Name, ParameterKind.Scalar, "float", differentiable);
                case SpecialType.System_Int32: return new FunctionParameter(p.Name, ParameterKind.Int, "int", false);
                case SpecialType.System_Boolean: return new FunctionParameter(p.Name, ParameterKind.Bool, "bool", false);
            }
            if (t is IArrayTypeSymbol { Rank: 1 } array && SymbolEqualityComparer.Default.Equals(array.ElementType, element))
                return new FunctionParameter(p.Name, ParameterKind.Array, ElementName + "[]", differentiable);
            if (t is INamedTypeSymbol { Name: "ReadOnlySpan", TypeArguments.Length: 1 } span && span.ContainingNamespace?.ToDisplayString() == "System"
                && SymbolEqualityComparer.Default.Equals(span.TypeArguments[0], element))
                return new FunctionParameter(p.Name, ParameterKind.Span, $"ReadOnlySpan<{ElementName}>", differentiable);
            problem = $"has parameter '{p.Name}' of type '{t.ToDisplayString()}' (supported: the element type {ElementName}, double, float, int, bool, ReadOnlySpan<{ElementName}> and {ElementName}[])";
            return null;
        }

        private string ElementName => kind switch
        {
            ElementKind.Double => "double",
            ElementKind.Single => "float",
            _ => element!.Name,
        };

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
