using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AutoDiff.Generators.Model;
using Microsoft.CodeAnalysis;

namespace AutoDiff.Generators;

public sealed partial class DerivativeGenerator
{
    /// <summary>
    /// The activation half of the parser: a method of one differentiated scalar (further parameters are
    /// its constants) with no loop is also an element-wise activation. Its statements run symbolically
    /// into one expression graph: locals are bindings, an <c>if</c> without return makes each local
    /// <c>c ? then-value : else-value</c>, a tail <c>if</c> makes the result one.
    /// </summary>
    internal sealed partial class Parser
    {
        private const int Unassigned = -1;

        /// <summary>Calls to [Differentiable] methods that have no activation members, by name.</summary>
        private readonly List<string> wholeFunctionCallees = new();

        /// <summary>
        /// The activation model, or null when the method is not an element-wise activation. A method of
        /// that shape that cannot be one gets info AD0012 saying why.
        /// </summary>
        private ActivationModel? Activation(Statement[] body, string ns, string className, string accessibility, string typeParameter)
        {
            var ps = method.Parameters;
            if (!IsActivationShaped(method, element!)) return null;
            var extras = new List<ExtraParameter>();
            foreach (var p in ps.Skip(1))
            {
                bool isElement = SymbolEqualityComparer.Default.Equals(p.Type, element);
                string typeName = isElement ? (kind == ElementKind.Generic ? p.Type.Name : Keyword(p.Type.SpecialType)!) : Keyword(p.Type.SpecialType)!;
                extras.Add(new ExtraParameter(p.Name, typeName, isElement, p.HasExplicitDefaultValue ? Literal(p.ExplicitDefaultValue, p.Type.SpecialType) : null));
            }
            string? reason = hasLoops ? "it has a loop"
                : hasIntLocals ? "it declares an int local"
                : graph.ToArray().Any(n => n.Op == Op.Int && !ps.Any(p => p.Name == n.Name)) ? "it uses an integer expression as a number"
                : wholeFunctionCallees.Count > 0 ? $"it calls '{wholeFunctionCallees[0]}', which is not an element-wise activation"
                : null;
            var at = LocationInfo.From(syntax.Identifier.GetLocation());
            if (reason is not null)
            {
                Report(DiagnosticDescriptors.WholeFunctionOnly, at, Name, reason);
                return null;
            }
            var symbolic = new Symbolic(this, ps[0].Name);
            int? root = symbolic.Exec(new EquatableArray<Statement>(body), new Dictionary<string, int>());
            if (symbolic.Offending is var (where, why))
            {
                Report(DiagnosticDescriptors.WholeFunctionOnly, where, Name, why);
                return null;
            }
            if (root is null || HasErrors) return null;
            if (scalarOnlyReason is not null)
                Report(DiagnosticDescriptors.ScalarKernel, LocationInfo.From(scalarOnlyAt!), Name, scalarOnlyReason, Ops.VectorMethodNames);
            return new ActivationModel(ns, className, Name, accessibility, kind, typeParameter, ps[0].Name,
                new EquatableArray<ExtraParameter>(extras.ToArray()), symbolic.Graph.ToArray(), root.Value,
                new EquatableArray<NameHint>(symbolic.Hints.ToArray()), scalarOnlyReason, WeightInitArgument());
        }

        /// <summary>
        /// The signature of an element-wise activation: a differentiated first parameter of the element type,
        /// the result of that type, further parameters double, float, int or the element type (its constants).
        /// </summary>
        private static bool IsActivationShaped(IMethodSymbol m, ITypeSymbol elementType)
        {
            var ps = m.Parameters;
            return ps.Length > 0 && SymbolEqualityComparer.Default.Equals(ps[0].Type, elementType) && !IsConstant(ps[0])
                && SymbolEqualityComparer.Default.Equals(m.ReturnType, elementType)
                && ps.Skip(1).All(p => SymbolEqualityComparer.Default.Equals(p.Type, elementType) || Keyword(p.Type.SpecialType) is not null);
        }

        /// <summary>
        /// Whether a called [Differentiable] method has activation members (f′, f″, f‴) to go through: one
        /// compiled already shows them; one in this compilation must be activation-shaped with a body free of
        /// loops and int locals, and call only such methods.
        /// </summary>
        private bool HasActivationMembers(IMethodSymbol callee, HashSet<IMethodSymbol> visiting)
        {
            var definition = callee.OriginalDefinition;
            var calleeElement = definition.TypeParameters.Length == 1 ? definition.TypeParameters[0] : definition.ReturnType;
            if (!IsActivationShaped(definition, calleeElement)) return false;
            var declaration = definition.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation);
            if (declaration is null) return definition.ContainingType.GetMembers(definition.Name + "ThirdDerivative").Any();
            if (!visiting.Add(definition)) return true;
            var model = declaration.SyntaxTree == semantic.SyntaxTree ? semantic : semantic.Compilation.GetSemanticModel(declaration.SyntaxTree);
            foreach (var node in declaration.DescendantNodes())
            {
                if (node is Microsoft.CodeAnalysis.CSharp.Syntax.ForStatementSyntax) return false;
                if (node is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclarationSyntax v && model.GetTypeInfo(v.Type, cancellation).Type?.SpecialType == SpecialType.System_Int32) return false;
                if (node is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax call
                    && model.GetSymbolInfo(call, cancellation).Symbol is IMethodSymbol inner
                    && IsDifferentiable(inner) && !HasActivationMembers(inner, visiting))
                    return false;
            }
            return true;
        }

        /// <summary>Runs statements over the parser's graph into a graph of x and the constants alone.</summary>
        private sealed class Symbolic
        {
            private readonly Parser parser;
            private readonly string x;
            private readonly HashSet<int> hinted = new();

            public Symbolic(Parser parser, string x)
            {
                this.parser = parser;
                this.x = x;
            }

            public Graph Graph { get; } = new();

            public List<NameHint> Hints { get; } = new();

            /// <summary>Where and how a call passes x as a later argument (the activation's derivative goes through the first only).</summary>
            public (SyntaxNode At, string Reason)? Offending { get; private set; }

            /// <summary>The node returned, or null when the statements fall through.</summary>
            public int? Exec(EquatableArray<Statement> statements, Dictionary<string, int> env)
                => Exec((IEnumerable<Statement>)statements, env);

            private int? Exec(IEnumerable<Statement> statements, Dictionary<string, int> env)
            {
                foreach (var s in statements)
                {
                    switch (s.Kind)
                    {
                        case StatementKind.Return:
                            return Value(s.Value, env);
                        case StatementKind.Declare:
                            if (s.Value < 0) env[s.Name] = Unassigned;
                            else Bind(env, s.Name, Value(s.Value, env));
                            break;
                        case StatementKind.Assign:
                            {
                                int old = env[s.Name], value = Value(s.Value, env);
                                Bind(env, s.Name, s.Assign switch
                                {
                                    AssignKind.Add => Graph.Add(old, value),
                                    AssignKind.Sub => Graph.Sub(old, value),
                                    AssignKind.Mul => Graph.Mul(old, value),
                                    AssignKind.Div => Graph.Div(old, value),
                                    _ => value,
                                });
                                break;
                            }
                        case StatementKind.If when s.Returns:
                            {
                                int condition = Value(s.Value, env);
                                int? t = Exec(s.Body, new Dictionary<string, int>(env));
                                int? f = Exec(s.Else, new Dictionary<string, int>(env));
                                return t is null || f is null ? null : Graph.Cond(condition, t.Value, f.Value);
                            }
                        case StatementKind.If:
                            {
                                // run both branches, then each local becomes c ? then-value : else-value
                                int condition = Value(s.Value, env);
                                var whenTrue = new Dictionary<string, int>(env);
                                var whenFalse = new Dictionary<string, int>(env);
                                Exec(s.Body, whenTrue);
                                Exec(s.Else, whenFalse);
                                foreach (var name in env.Keys.ToList())
                                {
                                    int t = whenTrue[name], f = whenFalse[name];
                                    // definite assignment: a local unassigned on one path is not read afterwards
                                    env[name] = t == Unassigned ? f : f == Unassigned ? t : Graph.Cond(condition, t, f);
                                }
                                break;
                            }
                    }
                }
                return null;
            }

            private void Bind(Dictionary<string, int> env, string name, int node)
            {
                env[name] = node;
                if (!Graph[node].IsLeaf && hinted.Add(node)) Hints.Add(new NameHint(node, name));
            }

            /// <summary>Node <paramref name="id"/> of the parser's graph with the locals' current values put in.</summary>
            private int Value(int id, Dictionary<string, int> env)
            {
                int node = Graph.Import(parser.graph, id, n => n.Op switch
                {
                    Op.Var when env.TryGetValue(n.Name!, out int bound) => bound,
                    Op.Int => Graph.Var(n.Name!), // an int constant of the activation
                    _ => null,
                }, new Dictionary<int, int>());
                CheckCalls(id, env);
                return node;
            }

            /// <summary>AD0012: a later argument of a call to another activation must not depend on x.</summary>
            private void CheckCalls(int id, Dictionary<string, int> env)
            {
                var source = parser.graph;
                foreach (int i in source.Under(id))
                {
                    var n = source[i];
                    if (n.Op == Op.Call)
                        for (int k = 1; k < n.Args.Length; k++)
                        {
                            int arg = Graph.Import(source, n.Args[k], m => m.Op == Op.Var && env.TryGetValue(m.Name!, out int b) ? b : null, new Dictionary<int, int>());
                            if (Offending is null && Graph.Mentions(arg, x) && parser.origin.TryGetValue(n.Args[k], out var at))
                                Offending = (at, $"it passes an expression of '{x}' as argument {(k + 1).ToString(CultureInfo.InvariantCulture)} of '{n.Name!.Substring(n.Name.LastIndexOf('.') + 1)}', and an activation's derivative goes through the first argument only");
                        }
                }
            }
        }
    }
}
