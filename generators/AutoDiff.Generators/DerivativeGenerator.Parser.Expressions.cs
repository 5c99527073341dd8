using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AutoDiff.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AutoDiff.Generators;

public sealed partial class DerivativeGenerator
{
    /// <summary>
    /// The expression half of the parser: expressions become graph nodes (parameters and locals are
    /// variables, <c>x[i]</c> a span element, an int expression a number), Math calls go through the op
    /// table, calls to other <c>[Differentiable]</c> methods keep every argument. Integer expressions
    /// (bounds, indices) are kept as C# text after checking they read only ints.
    /// </summary>
    internal sealed partial class Parser
    {
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

        private int Noted(int node, SyntaxNode at)
        {
            if (!origin.ContainsKey(node)) origin[node] = at;
            return node;
        }

        private bool IsInt(ExpressionSyntax e) => semantic.GetTypeInfo(e, cancellation).Type?.SpecialType == SpecialType.System_Int32;

        private bool IsFloating(ITypeSymbol? t)
            => t is not null && (SymbolEqualityComparer.Default.Equals(t, element) || t.SpecialType is SpecialType.System_Double or SpecialType.System_Single || t.TypeKind == TypeKind.TypeParameter);

        /// <summary>A condition (a comparison, &amp;&amp;, ||, !, or a bool local or parameter).</summary>
        private int Condition(ExpressionSyntax e)
        {
            var constant = semantic.GetConstantValue(e, cancellation);
            if (constant is { HasValue: true, Value: bool b })
                return graph.Binary(b ? Op.Eq : Op.Ne, graph.Const(0), graph.Const(0));
            return Expr(e);
        }

        private int Expr(ExpressionSyntax e) => Noted(ExprCore(e), e);

        private int ExprCore(ExpressionSyntax e)
        {
            cancellation.ThrowIfCancellationRequested();
            var constant = semantic.GetConstantValue(e, cancellation);
            if (constant.HasValue && constant.Value is IConvertible c and not bool and not string and not char)
                return graph.Const(c.ToDouble(CultureInfo.InvariantCulture));
            if (IsInt(e)) return IntValue(e);
            switch (e)
            {
                case ParenthesizedExpressionSyntax p:
                    return Expr(p.Expression);
                case CastExpressionSyntax cast:
                    {
                        var to = semantic.GetTypeInfo(cast.Type, cancellation).Type;
                        if (IsFloating(to)) return Expr(cast.Expression);
                        if (to?.SpecialType is SpecialType.System_Int64)
                        {
                            Report(DiagnosticDescriptors.NotDifferentiable, cast, Name, $"a cast to {to.ToDisplayString()}");
                            return graph.Function(Op.Truncate, Expr(cast.Expression));
                        }
                        return Unsupported(cast, $"a cast to '{to?.ToDisplayString()}'", "cast only between floating-point types");
                    }
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryMinusExpression):
                    return graph.Neg(Expr(u.Operand));
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryPlusExpression):
                    return Expr(u.Operand);
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.LogicalNotExpression):
                    return graph.Not(Condition(u.Operand));
                case BinaryExpressionSyntax b:
                    return Binary(b);
                case ConditionalExpressionSyntax q:
                    return graph.Cond(Condition(q.Condition), Expr(q.WhenTrue), Expr(q.WhenFalse));
                case IdentifierNameSyntax or MemberAccessExpressionSyntax:
                    return Reference(e);
                case ElementAccessExpressionSyntax access:
                    return Element(access);
                case InvocationExpressionSyntax call:
                    return Invocation(call);
                default:
                    return Unsupported(e, $"the expression '{e}'", "use arithmetic, conditionals, Math functions, span elements and [Differentiable] calls");
            }
        }

        private int Binary(BinaryExpressionSyntax b)
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
            bool logic = op is Op.And or Op.Or;
            int l = logic ? Condition(b.Left) : Expr(b.Left), r = logic ? Condition(b.Right) : Expr(b.Right);
            return op switch
            {
                Op.Add => graph.Add(l, r),
                Op.Sub => graph.Sub(l, r),
                Op.Mul => graph.Mul(l, r),
                Op.Div => graph.Div(l, r),
                _ => graph.Binary(op.Value, l, r),
            };
        }

        private int Reference(ExpressionSyntax e)
        {
            var symbol = semantic.GetSymbolInfo(e, cancellation).Symbol;
            switch (symbol)
            {
                case IParameterSymbol p when SymbolEqualityComparer.Default.Equals(p.ContainingSymbol, method):
                    if (!IsFloating(p.Type) && p.Type.SpecialType != SpecialType.System_Boolean)
                        return Unsupported(e, $"the span or array '{p.Name}' as a number", $"read its elements, {p.Name}[i]");
                    return graph.Var(p.Name);
                case ILocalSymbol l:
                    return graph.Var(l.Name);
                case IPropertySymbol or IFieldSymbol when symbol.IsStatic && IsNumericType(symbol.ContainingType) && NamedConstant(symbol.Name) is double v:
                    return graph.Const(v);
                case IFieldSymbol f:
                    return Unsupported(e, $"the field '{f.Name}', which is not a constant", "make it 'const' or pass it as a further parameter");
                default:
                    return Unsupported(e, $"'{e}'", "use the parameters, locals and constants");
            }
        }

        /// <summary><c>x[i]</c> of a span or array parameter, with an int index.</summary>
        private int Element(ElementAccessExpressionSyntax access)
        {
            if (semantic.GetSymbolInfo(access.Expression, cancellation).Symbol is not IParameterSymbol { } span
                || !SymbolEqualityComparer.Default.Equals(span.ContainingSymbol, method) || IsFloating(span.Type)
                || access.ArgumentList.Arguments.Count != 1)
                return Unsupported(access, $"the element access '{access}'", "read elements of span and array parameters with one int index, x[i]");
            string? index = IntText(access.ArgumentList.Arguments[0].Expression, "the index");
            return index is null ? graph.Const(0) : graph.Index(span.Name, graph.Int(index));
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

        // ---- integers: numbers in floating expressions, and bounds and indices kept as text

        /// <summary>An int expression used as a number: + − · of ints structurally, anything else as its text.</summary>
        private int IntValue(ExpressionSyntax e)
        {
            var constant = semantic.GetConstantValue(e, cancellation);
            if (constant is { HasValue: true, Value: int k }) return graph.Const(k);
            switch (e)
            {
                case ParenthesizedExpressionSyntax p:
                    return IntValue(p.Expression);
                case IdentifierNameSyntax when semantic.GetSymbolInfo(e, cancellation).Symbol is IParameterSymbol or ILocalSymbol:
                    return IntText(e, "the integer") is { } name ? graph.Int(name) : graph.Const(0);
                case BinaryExpressionSyntax b when b.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression:
                    {
                        int l = IntValue(b.Left), r = IntValue(b.Right);
                        return b.Kind() switch
                        {
                            SyntaxKind.AddExpression => graph.Add(l, r),
                            SyntaxKind.SubtractExpression => graph.Sub(l, r),
                            _ => graph.Mul(l, r),
                        };
                    }
                case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.UnaryMinusExpression):
                    return graph.Neg(IntValue(u.Operand));
                case CastExpressionSyntax cast when IsFloating(semantic.GetTypeInfo(cast.Expression, cancellation).Type):
                    Report(DiagnosticDescriptors.NotDifferentiable, cast, Name, "a cast to int");
                    return graph.Function(Op.Truncate, Expr(cast.Expression));
                case InvocationExpressionSyntax call when call.ArgumentList.Arguments.Any(a => IsFloating(semantic.GetTypeInfo(a.Expression, cancellation).Type)):
                    return Invocation(call); // Math.Sign(x): an int of a floating value, written as conditionals
                default:
                    return IntText(e, "the integer") is { } text ? graph.Int(text) : graph.Const(0);
            }
        }

        /// <summary>
        /// The C# text of an int expression that reads only int parameters, int locals, loop counters,
        /// lengths of span and array parameters and constants; null (with AD0013 or AD0010) otherwise.
        /// </summary>
        private string? IntText(ExpressionSyntax e, string what)
        {
            if (!IntValid(e, e, what)) return null;
            return OneLine(e);
        }

        private bool IntValid(ExpressionSyntax e, ExpressionSyntax whole, string what)
        {
            var constant = semantic.GetConstantValue(e, cancellation);
            if (constant is { HasValue: true, Value: int }) return true;
            switch (e)
            {
                case ParenthesizedExpressionSyntax p:
                    return IntValid(p.Expression, whole, what);
                case PrefixUnaryExpressionSyntax u when u.Kind() is SyntaxKind.UnaryMinusExpression or SyntaxKind.UnaryPlusExpression:
                    return IntValid(u.Operand, whole, what);
                case BinaryExpressionSyntax b when IsInt(b) && b.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression
                    or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression:
                    return IntValid(b.Left, whole, what) & IntValid(b.Right, whole, what);
                case IdentifierNameSyntax:
                    {
                        var symbol = semantic.GetSymbolInfo(e, cancellation).Symbol;
                        var type = symbol switch { IParameterSymbol p => p.Type, ILocalSymbol l => l.Type, _ => null };
                        bool ours = symbol is ILocalSymbol || symbol is IParameterSymbol ps && SymbolEqualityComparer.Default.Equals(ps.ContainingSymbol, method);
                        if (ours && type?.SpecialType == SpecialType.System_Int32) return true;
                        if (IsFloating(type)) return Floating(e, whole, what);
                        break;
                    }
                case MemberAccessExpressionSyntax m when m.Name.Identifier.ValueText == "Length"
                    && semantic.GetSymbolInfo(m.Expression, cancellation).Symbol is IParameterSymbol span
                    && SymbolEqualityComparer.Default.Equals(span.ContainingSymbol, method):
                    return true;
                case CastExpressionSyntax cast when semantic.GetTypeInfo(cast.Type, cancellation).Type?.SpecialType == SpecialType.System_Int32:
                    if (IsInt(cast.Expression)) return IntValid(cast.Expression, whole, what);
                    if (IsFloating(semantic.GetTypeInfo(cast.Expression, cancellation).Type)) return Floating(cast, whole, what);
                    break;
                case InvocationExpressionSyntax call when IsInt(call) && semantic.GetSymbolInfo(call, cancellation).Symbol is IMethodSymbol { IsStatic: true } m
                    && m.ContainingType?.ToDisplayString() is "System.Math" && m.Name is "Min" or "Max" or "Abs":
                    return call.ArgumentList.Arguments.Aggregate(true, (ok, a) => IntValid(a.Expression, whole, what) & ok);
            }
            if (e.DescendantNodesAndSelf().OfType<ExpressionSyntax>().Any(x => IsFloating(semantic.GetTypeInfo(x, cancellation).Type)))
                return Floating(e, whole, what);
            Unsupported(e, $"'{e}' in {what} '{whole}'", "use int parameters, int locals, loop counters, lengths of span and array parameters, constants, + - * / % and Math.Min/Max/Abs");
            return false;
        }

        private bool Floating(ExpressionSyntax at, ExpressionSyntax whole, string what)
        {
            Report(DiagnosticDescriptors.FloatingInteger, at, Name, what, OneLine(whole), OneLine(at));
            return false;
        }

        // ---- calls

        private int Invocation(InvocationExpressionSyntax call)
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
                return DifferentiableCall(call, target);
            if (!target.IsStatic || !IsNumericType(target.ContainingType) && !IsNumericType(target.ContainingType?.ContainingType))
            {
                Report(DiagnosticDescriptors.UnknownMethod, call, Name, display, Ops.MethodNames);
                return graph.Const(0);
            }
            var a = new int[args.Count];
            for (int i = 0; i < a.Length; i++) a[i] = Expr(args[i].Expression);
            if (Ops.Methods.TryGetValue((target.Name, a.Length), out var row))
            {
                if (row.ZeroDerivative) Report(DiagnosticDescriptors.NotDifferentiable, call, Name, display);
                if (row.Vector is null) ScalarOnly(call, display);
                if (row.Op == Op.Pow && !(graph.IsConst(a[1], out var k) && k == Math.Round(k) && Math.Abs(k) <= 4))
                    ScalarOnly(call, display + " with an exponent other than a small integer");
                return row.Arity == 1 ? graph.Function(row.Op, a[0]) : graph.Rebuild(Node.Of(row.Op), a[0], a[1], -1, default);
            }
            if (Ops.Compositions.TryGetValue((target.Name, a.Length), out var compose))
                return compose(graph, a);
            Report(DiagnosticDescriptors.UnknownMethod, call, Name, display, Ops.MethodNames);
            return graph.Const(0);
        }

        /// <summary>
        /// A call to another <c>[Differentiable]</c> method, every argument kept (omitted ones take their
        /// defaults), with the callee's parameter shape: a letter per parameter (see <see cref="Op.Call"/>).
        /// </summary>
        private int DifferentiableCall(InvocationExpressionSyntax call, IMethodSymbol target)
        {
            var args = call.ArgumentList.Arguments;
            if (args.Count == 0) return Unsupported(call, "a call without arguments", "pass x as the first argument");
            if (args.Any(a => a.NameColon is not null || a.RefKindKeyword.ValueText.Length > 0)) return Unsupported(call, "named or ref arguments", "pass arguments by value, in order");
            var parameters = target.OriginalDefinition.Parameters;
            var nodes = new int[parameters.Length];
            var shape = new char[parameters.Length];
            for (int i = 0; i < parameters.Length; i++)
            {
                var p = parameters[i];
                bool constant = IsConstant(p);
                var t = p.Type;
                bool span = t is IArrayTypeSymbol || t is INamedTypeSymbol { Name: "ReadOnlySpan" };
                shape[i] = span ? (constant ? 'k' : 'v')
                    : t.SpecialType is SpecialType.System_Int32 or SpecialType.System_Boolean ? 'i'
                    : constant ? 'c' : 's';
                if (i >= args.Count)
                {
                    if (!p.HasExplicitDefaultValue) return Unsupported(call, $"a call to {target.Name} without '{p.Name}'", "pass every argument");
                    nodes[i] = p.ExplicitDefaultValue switch
                    {
                        IConvertible c and not bool and not string => graph.Const(c.ToDouble(CultureInfo.InvariantCulture)),
                        _ => Unsupported(call, $"the default of '{p.Name}'", "pass it explicitly"),
                    };
                    continue;
                }
                var arg = args[i].Expression;
                if (span)
                {
                    if (semantic.GetSymbolInfo(arg, cancellation).Symbol is IParameterSymbol s && SymbolEqualityComparer.Default.Equals(s.ContainingSymbol, method) && !IsFloating(s.Type))
                    {
                        nodes[i] = Noted(graph.Var(s.Name), arg);
                        if (shape[i] == 'v' && !IsConstant(s))
                            return Unsupported(arg, $"the differentiated span '{s.Name}' passed to '{target.Name}'", $"mark '{s.Name}' [Constant] here or '{p.Name}' [Constant] in '{target.Name}', or pass its elements as scalars");
                    }
                    else return Unsupported(arg, $"'{arg}' as the span argument of '{target.Name}'", "pass a span or array parameter of this method");
                }
                else if (t.SpecialType == SpecialType.System_Boolean) nodes[i] = Noted(Condition(arg), arg);
                else if (t.SpecialType == SpecialType.System_Int32) nodes[i] = semantic.GetConstantValue(arg, cancellation) is { HasValue: true, Value: int k } ? graph.Const(k) : IntText(arg, "the int argument") is { } text ? graph.Int(text) : graph.Const(0);
                else nodes[i] = Expr(arg);
            }
            ScalarOnly(call, $"the call to {target.Name}");
            if (!HasActivationMembers(target, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default))) wholeFunctionCallees.Add(target.Name);
            string type = target.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            return graph.Call(type + "." + target.Name, 0, new EquatableArray<int>(nodes), target.IsGenericMethod, new string(shape));
        }
    }
}
