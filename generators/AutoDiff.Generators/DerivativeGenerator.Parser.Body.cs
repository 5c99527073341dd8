using System;
using System.Collections.Generic;
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
    /// The body half of the parser: statements run symbolically against an environment of locals,
    /// expressions become graph nodes. Anything unsupported is reported where it is written.
    /// </summary>
    internal sealed partial class Parser
    {
        // ---- statements: run symbolically; returns the node returned, or null when the statements fall through

        /// <summary>What runs after a nested statement list ends: the rest of the enclosing lists.</summary>
        private sealed record Continuation(IReadOnlyList<StatementSyntax> Statements, int Start, Continuation? Next);

        private int? Exec(IReadOnlyList<StatementSyntax> statements, int start, Dictionary<string, int> env, Continuation? rest = null)
        {
            for (int i = start; i < statements.Count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var s = statements[i];
                switch (s)
                {
                    case ReturnStatementSyntax r:
                        if (r.Expression is null) { Unsupported(r, "an empty 'return'", "return a value"); return graph.Const(0); }
                        return Expr(r.Expression, env);
                    case BlockSyntax b:
                        return Exec(b.Statements, 0, env, new Continuation(statements, i + 1, rest));
                    case LocalDeclarationStatementSyntax d:
                        foreach (var v in d.Declaration.Variables)
                        {
                            if (v.Initializer is { } init) Bind(env, v.Identifier.ValueText, Expr(init.Value, env));
                            else env[v.Identifier.ValueText] = Unassigned;
                        }
                        break;
                    case ExpressionStatementSyntax e:
                        Assign(e.Expression, env);
                        break;
                    case IfStatementSyntax f when f.DescendantNodes().OfType<ReturnStatementSyntax>().Any():
                        {
                            // a branch returns: each branch runs on through the rest of the method, and the
                            // results join as one conditional expression
                            int condition = Expr(f.Condition, env);
                            var next = new Continuation(statements, i + 1, rest);
                            int? rt = Exec(Flatten(f.Statement), 0, new Dictionary<string, int>(env), next);
                            int? rf = f.Else is null
                                ? Exec(statements, i + 1, new Dictionary<string, int>(env), rest)
                                : Exec(Flatten(f.Else.Statement), 0, new Dictionary<string, int>(env), next);
                            return rt is null || rf is null ? null : graph.Cond(condition, rt.Value, rf.Value);
                        }
                    case IfStatementSyntax f:
                        {
                            // no return inside: run both branches, then each local becomes c ? then-value : else-value
                            int condition = Expr(f.Condition, env);
                            var whenTrue = new Dictionary<string, int>(env);
                            var whenFalse = new Dictionary<string, int>(env);
                            Exec(Flatten(f.Statement), 0, whenTrue);
                            if (f.Else is not null) Exec(Flatten(f.Else.Statement), 0, whenFalse);
                            foreach (var name in env.Keys.ToList())
                            {
                                int t = whenTrue[name], u = whenFalse[name];
                                // definite assignment: a local unassigned on one path is not read afterwards
                                env[name] = t == Unassigned ? u : u == Unassigned ? t : graph.Cond(condition, t, u);
                            }
                            break;
                        }
                    case EmptyStatementSyntax:
                        break;
                    case ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax or ForEachVariableStatementSyntax:
                        Report(DiagnosticDescriptors.Loop, s, Name, FirstWord(s));
                        return graph.Const(0);
                    default:
                        Unsupported(s, $"a '{FirstWord(s)}' statement", "use locals, if/else and return");
                        return graph.Const(0);
                }
            }
            return rest is null ? null : Exec(rest.Statements, rest.Start, env, rest.Next);
        }

        private static IReadOnlyList<StatementSyntax> Flatten(StatementSyntax s) => s is BlockSyntax b ? b.Statements : new[] { s };

        private static string FirstWord(SyntaxNode s)
        {
            var text = s.ToString();
            int end = 0;
            while (end < text.Length && (char.IsLetter(text[end]) || text[end] == '_')) end++;
            return end > 0 ? text.Substring(0, end) : s.Kind().ToString();
        }

        private const int Unassigned = -1;

        private void Bind(Dictionary<string, int> env, string name, int node)
        {
            env[name] = node;
            if (!graph[node].IsLeaf && hinted.Add(node)) hints.Add(new NameHint(node, name));
        }

        private void Assign(ExpressionSyntax e, Dictionary<string, int> env)
        {
            ExpressionSyntax target;
            Func<int, int> update;
            switch (e)
            {
                case AssignmentExpressionSyntax a:
                    target = a.Left;
                    int rhs = Expr(a.Right, env);
                    update = a.Kind() switch
                    {
                        SyntaxKind.SimpleAssignmentExpression => _ => rhs,
                        SyntaxKind.AddAssignmentExpression => old => graph.Add(old, rhs),
                        SyntaxKind.SubtractAssignmentExpression => old => graph.Sub(old, rhs),
                        SyntaxKind.MultiplyAssignmentExpression => old => graph.Mul(old, rhs),
                        SyntaxKind.DivideAssignmentExpression => old => graph.Div(old, rhs),
                        _ => _ => -1,
                    };
                    break;
                case PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax:
                    bool increment = e.IsKind(SyntaxKind.PostIncrementExpression) || e.IsKind(SyntaxKind.PreIncrementExpression);
                    bool decrement = e.IsKind(SyntaxKind.PostDecrementExpression) || e.IsKind(SyntaxKind.PreDecrementExpression);
                    target = e is PostfixUnaryExpressionSyntax post ? post.Operand : ((PrefixUnaryExpressionSyntax)e).Operand;
                    update = increment ? old => graph.Add(old, graph.Const(1)) : decrement ? old => graph.Sub(old, graph.Const(1)) : _ => -1;
                    break;
                default:
                    Unsupported(e, "an expression statement", "assign to a local or return a value");
                    return;
            }
            var symbol = semantic.GetSymbolInfo(target, cancellation).Symbol;
            if (symbol is IParameterSymbol p) { Report(DiagnosticDescriptors.AssignsParameter, e, Name, p.Name); return; }
            if (symbol is not ILocalSymbol local) { Unsupported(e, $"an assignment to '{target}'", "assign only to locals of the method"); return; }
            if (!env.TryGetValue(local.Name, out int old)) old = Unassigned;
            if (old == Unassigned && !e.IsKind(SyntaxKind.SimpleAssignmentExpression)) { Unsupported(e, $"'{local.Name}' before it is assigned", "assign it first"); return; }
            int value = update(old);
            if (value < 0) { Unsupported(e, $"the operator in '{e}'", "use =, +=, -=, *= or /="); return; }
            Bind(env, local.Name, value);
        }

        // ---- expressions

        private int Unsupported(SyntaxNode at, string what, string instead)
        {
            Report(DiagnosticDescriptors.UnsupportedSyntax, at, Name, what, instead);
            return graph.Const(0);
        }

        private void ScalarOnly(SyntaxNode at, string reason)
        {
            if (scalarOnlyReason is not null) return;
            scalarOnlyReason = reason;
            scalarOnlyAt = at;
        }

        private int Expr(ExpressionSyntax e, Dictionary<string, int> env)
        {
            cancellation.ThrowIfCancellationRequested();
            var constant = semantic.GetConstantValue(e, cancellation);
            if (constant.HasValue && constant.Value is IConvertible c and not bool and not string and not char)
                return graph.Const(c.ToDouble(CultureInfo.InvariantCulture));
            switch (e)
            {
                case ParenthesizedExpressionSyntax p:
                    return Expr(p.Expression, env);
                case CastExpressionSyntax cast:
                    {
                        var to = semantic.GetTypeInfo(cast.Type, cancellation).Type;
                        int inner = Expr(cast.Expression, env);
                        if (to is ITypeParameterSymbol || to?.SpecialType is SpecialType.System_Double or SpecialType.System_Single) return inner;
                        if (to?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64)
                        {
                            Report(DiagnosticDescriptors.NotDifferentiable, cast, Name, $"a cast to {to.ToDisplayString()}");
                            return graph.Function(Op.Truncate, inner);
                        }
                        return Unsupported(cast, $"a cast to '{to?.ToDisplayString()}'", "cast only between floating-point types");
                    }
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryMinusExpression):
                    return graph.Neg(Expr(u.Operand, env));
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryPlusExpression):
                    return Expr(u.Operand, env);
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.LogicalNotExpression):
                    return graph.Not(Expr(u.Operand, env));
                case BinaryExpressionSyntax b:
                    return Binary(b, env);
                case ConditionalExpressionSyntax q:
                    return graph.Cond(Expr(q.Condition, env), Expr(q.WhenTrue, env), Expr(q.WhenFalse, env));
                case IdentifierNameSyntax or MemberAccessExpressionSyntax:
                    return Reference(e, env);
                case InvocationExpressionSyntax call:
                    return Invocation(call, env);
                default:
                    return Unsupported(e, $"the expression '{e}'", "use arithmetic, conditionals and Math functions");
            }
        }

        private int Binary(BinaryExpressionSyntax b, Dictionary<string, int> env)
        {
            Op? op = b.Kind() switch
            {
                SyntaxKind.AddExpression => Op.Add,
                SyntaxKind.SubtractExpression => Op.Sub,
                SyntaxKind.MultiplyExpression => Op.Mul,
                SyntaxKind.DivideExpression => Op.Div,
                SyntaxKind.LessThanExpression => Op.Lt,
                SyntaxKind.LessThanOrEqualExpression => Op.Le,
                SyntaxKind.GreaterThanExpression => Op.Gt,
                SyntaxKind.GreaterThanOrEqualExpression => Op.Ge,
                SyntaxKind.EqualsExpression => Op.Eq,
                SyntaxKind.NotEqualsExpression => Op.Ne,
                SyntaxKind.LogicalAndExpression => Op.And,
                SyntaxKind.LogicalOrExpression => Op.Or,
                _ => null,
            };
            if (op is null)
                return b.IsKind(SyntaxKind.ModuloExpression)
                    ? Unsupported(b, "the remainder operator '%'", "write a - m * Math.Floor(a / m)")
                    : Unsupported(b, $"the operator '{b.OperatorToken.Text}'", "use + - * / and comparisons");
            int l = Expr(b.Left, env), r = Expr(b.Right, env);
            return op switch
            {
                Op.Add => graph.Add(l, r),
                Op.Sub => graph.Sub(l, r),
                Op.Mul => graph.Mul(l, r),
                Op.Div => graph.Div(l, r),
                _ => graph.Binary(op.Value, l, r),
            };
        }

        private int Reference(ExpressionSyntax e, Dictionary<string, int> env)
        {
            var symbol = semantic.GetSymbolInfo(e, cancellation).Symbol;
            switch (symbol)
            {
                case IParameterSymbol p when SymbolEqualityComparer.Default.Equals(p, method.Parameters[0]):
                    return graph.X();
                case IParameterSymbol p when SymbolEqualityComparer.Default.Equals(p.ContainingSymbol, method):
                    return graph.Param(p.Name);
                case ILocalSymbol l when env.TryGetValue(l.Name, out int node) && node != Unassigned:
                    return node;
                case IPropertySymbol or IFieldSymbol when symbol.IsStatic && IsNumericType(symbol.ContainingType) && NamedConstant(symbol.Name) is double v:
                    return graph.Const(v);
                case IFieldSymbol f:
                    return Unsupported(e, $"the field '{f.Name}', which is not a constant", "make it 'const' or pass it as a further parameter");
                default:
                    return Unsupported(e, $"'{e}'", "use the parameters, locals and constants");
            }
        }

        private static double? NamedConstant(string name) => name switch
        {
            "Zero" => 0,
            "One" => 1,
            "NegativeOne" => -1,
            "Pi" => Math.PI,
            "E" => Math.E,
            "Tau" => 2 * Math.PI,
            "NaN" => double.NaN,
            "PositiveInfinity" => double.PositiveInfinity,
            "NegativeInfinity" => double.NegativeInfinity,
            _ => null,
        };

        private static bool IsNumericType(ITypeSymbol? t)
            => t is not null && (t.TypeKind == TypeKind.TypeParameter
                || t.SpecialType is SpecialType.System_Double or SpecialType.System_Single
                || t.ContainingNamespace?.ToDisplayString() == "System.Numerics"
                || t.ToDisplayString() is "System.Math" or "System.MathF");

        private int Invocation(InvocationExpressionSyntax call, Dictionary<string, int> env)
        {
            var info = semantic.GetSymbolInfo(call, cancellation);
            var target = (info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) as IMethodSymbol;
            var args = call.ArgumentList.Arguments;
            if (target is null) return Unsupported(call, $"the call '{call.Expression}'", "call Math functions or [Differentiable] methods");
            string display = target.ContainingType is null ? target.Name : target.ContainingType.Name + "." + target.Name;
            if (SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, method.OriginalDefinition))
            {
                Report(DiagnosticDescriptors.Recursion, call, Name);
                return graph.Const(0);
            }
            if (IsDifferentiable(target))
                return DifferentiableCall(call, target, env);
            if (!target.IsStatic || !IsNumericType(target.ContainingType) && !IsNumericType(target.ContainingType?.ContainingType))
            {
                Report(DiagnosticDescriptors.UnknownMethod, call, Name, display);
                return graph.Const(0);
            }
            var a = new int[args.Count];
            for (int i = 0; i < a.Length; i++) a[i] = Expr(args[i].Expression, env);
            Op? unary = target.Name switch
            {
                "Exp" => Op.Exp, "Log2" => Op.Log2, "Log10" => Op.Log10, "Sqrt" => Op.Sqrt,
                "Cbrt" => Op.Cbrt, "Abs" => Op.Abs, "Tanh" => Op.Tanh, "Sinh" => Op.Sinh,
                "Cosh" => Op.Cosh, "Sin" => Op.Sin, "Cos" => Op.Cos, "Tan" => Op.Tan, "Asin" => Op.Asin,
                "Acos" => Op.Acos, "Atan" => Op.Atan, "Floor" => Op.Floor, "Ceiling" => Op.Ceiling,
                "Round" => Op.Round, "Truncate" => Op.Truncate, "Log" when a.Length == 1 => Op.Log,
                _ => null,
            };
            if (unary is Op u && a.Length == 1)
            {
                if (u is Op.Floor or Op.Ceiling or Op.Round or Op.Truncate) Report(DiagnosticDescriptors.NotDifferentiable, call, Name, display);
                if (u is Op.Sinh or Op.Cosh or Op.Tan or Op.Asin or Op.Acos or Op.Atan or Op.Cbrt) ScalarOnly(call, display);
                return graph.Function(u, a[0]);
            }
            switch (target.Name)
            {
                case "Sign" when a.Length == 1:
                    // as conditionals: vectorisable, derivative 0, and 0 (not an exception) for NaN
                    return graph.Cond(graph.Binary(Op.Gt, a[0], graph.Const(0)), graph.Const(1),
                        graph.Cond(graph.Binary(Op.Lt, a[0], graph.Const(0)), graph.Const(-1), graph.Const(0)));
                case "Log" when a.Length == 2:
                    return graph.Div(graph.Function(Op.Log, a[0]), graph.Function(Op.Log, a[1]));
                case "Pow" when a.Length == 2:
                    if (!(graph.IsConst(a[1], out var k) && k == Math.Round(k) && Math.Abs(k) <= 4)) ScalarOnly(call, display + " with an exponent other than a small integer");
                    return graph.Pow(a[0], a[1]);
                case "Max" when a.Length == 2:
                    return graph.Max(a[0], a[1]);
                case "Min" when a.Length == 2:
                    return graph.Min(a[0], a[1]);
                case "Clamp" when a.Length == 3:
                    return graph.Min(graph.Max(a[0], a[1]), a[2]);
                case "FusedMultiplyAdd" when a.Length == 3:
                    return graph.Add(graph.Mul(a[0], a[1]), a[2]);
                case "CreateChecked" or "CreateTruncating" or "CreateSaturating" when a.Length == 1:
                    return a[0];
                default:
                    Report(DiagnosticDescriptors.UnknownMethod, call, Name, display);
                    return graph.Const(0);
            }
        }

        private int DifferentiableCall(InvocationExpressionSyntax call, IMethodSymbol target, Dictionary<string, int> env)
        {
            var args = call.ArgumentList.Arguments;
            if (args.Count == 0) return Unsupported(call, "a call without arguments", "pass x as the first argument");
            if (args.Any(a => a.NameColon is not null)) return Unsupported(call, "named arguments", "pass arguments in order");
            int first = Expr(args[0].Expression, env);
            var constants = new int[args.Count - 1];
            for (int i = 1; i < args.Count; i++)
            {
                constants[i - 1] = Expr(args[i].Expression, env);
                if (graph.DependsOnX(constants[i - 1]))
                    Report(DiagnosticDescriptors.DifferentiatedConstantArgument, args[i], Name, method.Parameters[0].Name, (i + 1).ToString(CultureInfo.InvariantCulture), target.Name);
            }
            ScalarOnly(call, $"the call to {target.Name}");
            string type = target.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            return graph.Call(type + "." + target.Name, 0, first, new EquatableArray<int>(constants), target.IsGenericMethod);
        }
    }
}
