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
    /// The statement half of the parser: the body becomes <see cref="Statement"/>s. An <c>if</c> that
    /// returns becomes a tail <c>if</c> whose branches each run on through the rest of the method, so every
    /// return ends a path; loops are <c>for</c> loops with an int counter and bounds that do not change.
    /// </summary>
    internal sealed partial class Parser
    {
        /// <summary>What runs after a nested statement list ends: the rest of the enclosing lists.</summary>
        private sealed record Continuation(IReadOnlyList<StatementSyntax> Statements, int Start, Continuation? Next);

        /// <summary>The statements from <paramref name="start"/> on, then <paramref name="rest"/>; and whether every path returns.</summary>
        private (List<Statement> Statements, bool Returns) Block(IReadOnlyList<StatementSyntax> statements, int start, Continuation? rest, bool inLoop)
        {
            var result = new List<Statement>();
            for (int i = start; i < statements.Count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var s = statements[i];
                switch (s)
                {
                    case ReturnStatementSyntax r:
                        if (inLoop) { Report(DiagnosticDescriptors.UnsupportedLoop, r, Name, "'return' inside a loop"); return (result, true); }
                        if (r.Expression is null) { Unsupported(r, "an empty 'return'", "return a value"); return (result, true); }
                        result.Add(Statement.Return(Expr(r.Expression), OneLine(r).TrimEnd(';')));
                        return (result, true);
                    case BlockSyntax b:
                        {
                            var (inner, returns) = Block(b.Statements, 0, new Continuation(statements, i + 1, rest), inLoop);
                            result.AddRange(inner);
                            return (result, returns);
                        }
                    case LocalDeclarationStatementSyntax d:
                        Declaration(d, result);
                        break;
                    case ExpressionStatementSyntax e:
                        if (Assignment(e.Expression) is { } assignment) result.Add(assignment);
                        break;
                    case IfStatementSyntax f when !inLoop && f.DescendantNodes().OfType<ReturnStatementSyntax>().Any():
                        {
                            // a branch returns: each branch runs on through the rest of the method (a tail if)
                            int condition = Condition(f.Condition);
                            var next = new Continuation(statements, i + 1, rest);
                            var (then, thenReturns) = Block(Flatten(f.Statement), 0, next, inLoop);
                            var (otherwise, elseReturns) = f.Else is null
                                ? Block(statements, i + 1, rest, inLoop)
                                : Block(Flatten(f.Else.Statement), 0, next, inLoop);
                            result.Add(Statement.If(condition, then.ToArray(), otherwise.ToArray(), returns: true, $"if ({OneLine(f.Condition)})"));
                            return (result, thenReturns && elseReturns);
                        }
                    case IfStatementSyntax f:
                        {
                            int condition = Condition(f.Condition);
                            var (then, _) = Block(Flatten(f.Statement), 0, null, inLoop);
                            var (otherwise, _) = f.Else is null ? (new List<Statement>(), false) : Block(Flatten(f.Else.Statement), 0, null, inLoop);
                            result.Add(Statement.If(condition, then.ToArray(), otherwise.ToArray(), returns: false, $"if ({OneLine(f.Condition)})"));
                            break;
                        }
                    case ForStatementSyntax loop:
                        if (For(loop) is { } parsed) result.Add(parsed);
                        break;
                    case EmptyStatementSyntax:
                        break;
                    case WhileStatementSyntax or DoStatementSyntax or ForEachStatementSyntax or ForEachVariableStatementSyntax
                        or GotoStatementSyntax or LabeledStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax:
                        Report(DiagnosticDescriptors.UnsupportedLoop, s, Name, $"'{FirstWord(s)}'");
                        return (result, true);
                    default:
                        Unsupported(s, $"a '{FirstWord(s)}' statement", "use locals, assignments, if/else, for loops and return");
                        return (result, true);
                }
            }
            return rest is null ? (result, false) : Append(result, Block(rest.Statements, rest.Start, rest.Next, inLoop));
        }

        private static (List<Statement>, bool) Append(List<Statement> first, (List<Statement> Statements, bool Returns) then)
        {
            first.AddRange(then.Statements);
            return (first, then.Returns);
        }

        private static IReadOnlyList<StatementSyntax> Flatten(StatementSyntax s) => s is BlockSyntax b ? b.Statements : new[] { s };

        private static string FirstWord(SyntaxNode s)
        {
            var text = s.ToString();
            int end = 0;
            while (end < text.Length && (char.IsLetter(text[end]) || text[end] == '_')) end++;
            return end > 0 ? text.Substring(0, end) : s.Kind().ToString();
        }

        /// <summary>The type of a local: the element type, int or bool; null (with a diagnostic) for anything else.</summary>
        private LocalType? TypeOf(ILocalSymbol local, SyntaxNode at)
        {
            if (SymbolEqualityComparer.Default.Equals(local.Type, element)) return LocalType.Element;
            if (local.Type.SpecialType == SpecialType.System_Int32) return LocalType.Int;
            if (local.Type.SpecialType == SpecialType.System_Boolean) return LocalType.Bool;
            Unsupported(at, $"the local '{local.Name}' of type '{local.Type.ToDisplayString()}'", $"declare locals as {ElementName}, int or bool");
            return null;
        }

        private void Declaration(LocalDeclarationStatementSyntax d, List<Statement> result)
        {
            if (d.IsConst) return; // a constant local: its uses are folded to numbers
            foreach (var v in d.Declaration.Variables)
            {
                if (semantic.GetDeclaredSymbol(v, cancellation) is not ILocalSymbol local || TypeOf(local, v) is not { } type) continue;
                locals.Add(local.Name);
                string source = $"{OneLine(d.Declaration.Type)} {OneLine(v)}";
                switch (type)
                {
                    case LocalType.Element:
                        result.Add(Statement.Declare(local.Name, type, v.Initializer is { } value ? Expr(value.Value) : -1, null, source));
                        break;
                    case LocalType.Bool when v.Initializer is { } condition:
                        result.Add(Statement.Declare(local.Name, type, Condition(condition.Value), null, source));
                        break;
                    case LocalType.Int when v.Initializer is { } integer:
                        hasIntLocals = true;
                        if (IntText(integer.Value, "the int local") is { } text) result.Add(Statement.Declare(local.Name, type, -1, text, source));
                        break;
                    default:
                        Unsupported(v, $"the {(type == LocalType.Int ? "int" : "bool")} local '{local.Name}' without an initializer", "initialize it where it is declared (int and bool locals do not change)");
                        break;
                }
            }
        }

        /// <summary>An assignment to an element local (=, +=, -=, *=, /=, ++, --), or null with a diagnostic.</summary>
        private Statement? Assignment(ExpressionSyntax e)
        {
            ExpressionSyntax target;
            AssignKind op;
            int value;
            switch (e)
            {
                case AssignmentExpressionSyntax a:
                    target = a.Left;
                    AssignKind? kindOf = a.Kind() switch
                    {
                        SyntaxKind.SimpleAssignmentExpression => AssignKind.Set,
                        SyntaxKind.AddAssignmentExpression => AssignKind.Add,
                        SyntaxKind.SubtractAssignmentExpression => AssignKind.Sub,
                        SyntaxKind.MultiplyAssignmentExpression => AssignKind.Mul,
                        SyntaxKind.DivideAssignmentExpression => AssignKind.Div,
                        _ => null,
                    };
                    if (!CheckTarget(target, e)) return null;
                    if (kindOf is null) { Unsupported(e, $"the operator in '{e}'", "use =, +=, -=, *= or /="); return null; }
                    op = kindOf.Value;
                    value = Expr(a.Right);
                    break;
                case PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax:
                    bool increment = e.IsKind(SyntaxKind.PostIncrementExpression) || e.IsKind(SyntaxKind.PreIncrementExpression);
                    bool decrement = e.IsKind(SyntaxKind.PostDecrementExpression) || e.IsKind(SyntaxKind.PreDecrementExpression);
                    target = e is PostfixUnaryExpressionSyntax post ? post.Operand : ((PrefixUnaryExpressionSyntax)e).Operand;
                    if (!CheckTarget(target, e)) return null;
                    if (!increment && !decrement) { Unsupported(e, $"the operator in '{e}'", "use =, +=, -=, *= or /="); return null; }
                    op = increment ? AssignKind.Add : AssignKind.Sub;
                    value = graph.Const(1);
                    break;
                default:
                    Unsupported(e, "an expression statement", "assign to a local or return a value");
                    return null;
            }
            return Statement.Set(((ILocalSymbol)semantic.GetSymbolInfo(target, cancellation).Symbol!).Name, op, value, OneLine(e));
        }

        /// <summary>Whether <paramref name="target"/> may be assigned: an element local (not a parameter, a span element, a counter or an int/bool local).</summary>
        private bool CheckTarget(ExpressionSyntax target, ExpressionSyntax statement)
        {
            var symbol = semantic.GetSymbolInfo(target, cancellation).Symbol;
            if (symbol is IParameterSymbol p) { Report(DiagnosticDescriptors.AssignsParameter, statement, Name, p.Name); return false; }
            if (target is ElementAccessExpressionSyntax access && semantic.GetSymbolInfo(access.Expression, cancellation).Symbol is IParameterSymbol span)
            {
                Report(DiagnosticDescriptors.AssignsParameter, statement, Name, $"{span.Name}[…]");
                return false;
            }
            if (symbol is not ILocalSymbol local) { Unsupported(statement, $"an assignment to '{target}'", "assign only to locals of the method"); return false; }
            if (local.Type.SpecialType == SpecialType.System_Int32)
            {
                Report(DiagnosticDescriptors.UnsupportedLoop, statement, Name, $"an assignment to the int '{local.Name}' (loop counters and int locals do not change but in the loop header)");
                return false;
            }
            if (!SymbolEqualityComparer.Default.Equals(local.Type, element))
            {
                Unsupported(statement, $"an assignment to the {local.Type.ToDisplayString()} local '{local.Name}'", "bool locals do not change: declare another one");
                return false;
            }
            return true;
        }

        /// <summary>
        /// <c>for (int i = a; i &lt; b; i++) body</c> (also ≤, &gt;, ≥, --, += c, -= c): one int counter, bounds
        /// from ints that do not change, a constant step.
        /// </summary>
        private Statement? For(ForStatementSyntax loop)
        {
            hasLoops = true;
            string header = $"for ({OneLine(loop.Declaration ?? (SyntaxNode)loop)}; {loop.Condition}; {string.Join(", ", loop.Incrementors)})";
            Statement? Refuse(string what)
            {
                Report(DiagnosticDescriptors.UnsupportedLoop, loop, Name, $"a 'for' loop {what}");
                return null;
            }
            if (loop.Declaration is not { Variables.Count: 1 } declaration || loop.Initializers.Count > 0
                || semantic.GetDeclaredSymbol(declaration.Variables[0], cancellation) is not ILocalSymbol counter
                || counter.Type.SpecialType != SpecialType.System_Int32 || declaration.Variables[0].Initializer is null)
                return Refuse("without exactly one int counter declared and initialized in its header");
            locals.Add(counter.Name);
            string? lower = IntText(declaration.Variables[0].Initializer!.Value, "the loop's start");

            // the condition: counter on one side, a bound on the other
            if (loop.Condition is not BinaryExpressionSyntax condition)
                return Refuse("whose condition is not one comparison of its counter");
            bool IsCounter(ExpressionSyntax x) => SymbolEqualityComparer.Default.Equals(semantic.GetSymbolInfo(x, cancellation).Symbol, counter);
            var comparison = condition.Kind();
            ExpressionSyntax boundSyntax;
            if (IsCounter(condition.Left)) boundSyntax = condition.Right;
            else if (IsCounter(condition.Right))
            {
                boundSyntax = condition.Left;
                comparison = comparison switch
                {
                    SyntaxKind.LessThanExpression => SyntaxKind.GreaterThanExpression,
                    SyntaxKind.LessThanOrEqualExpression => SyntaxKind.GreaterThanOrEqualExpression,
                    SyntaxKind.GreaterThanExpression => SyntaxKind.LessThanExpression,
                    SyntaxKind.GreaterThanOrEqualExpression => SyntaxKind.LessThanOrEqualExpression,
                    _ => comparison,
                };
            }
            else return Refuse("whose condition is not one comparison of its counter");
            bool up = comparison is SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression;
            bool down = comparison is SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression;
            if (!up && !down) return Refuse($"whose condition '{condition}' is not <, <=, > or >=");
            string? upper = IntText(boundSyntax, "the loop's bound");

            // the step: ++, --, += c or -= c with a positive constant c, in the direction of the bound
            int step = 0;
            if (loop.Incrementors.Count == 1)
            {
                var inc = loop.Incrementors[0];
                ExpressionSyntax? operand = inc switch
                {
                    PostfixUnaryExpressionSyntax p => p.Operand,
                    PrefixUnaryExpressionSyntax p => p.Operand,
                    AssignmentExpressionSyntax a => a.Left,
                    _ => null,
                };
                if (operand is not null && IsCounter(operand))
                {
                    if (inc.IsKind(SyntaxKind.PostIncrementExpression) || inc.IsKind(SyntaxKind.PreIncrementExpression)) step = 1;
                    else if (inc.IsKind(SyntaxKind.PostDecrementExpression) || inc.IsKind(SyntaxKind.PreDecrementExpression)) step = -1;
                    else if (inc is AssignmentExpressionSyntax a && semantic.GetConstantValue(a.Right, cancellation) is { HasValue: true, Value: int c } && c > 0)
                        step = a.IsKind(SyntaxKind.AddAssignmentExpression) ? c : a.IsKind(SyntaxKind.SubtractAssignmentExpression) ? -c : 0;
                }
            }
            if (step == 0 || step > 0 != up)
                return Refuse($"whose step is not ++, --, += c or -= c (c a positive constant) towards its bound");

            // the counter must not change in the body (reported where it is assigned)
            var (body, _) = Block(Flatten(loop.Statement), 0, null, inLoop: true);
            if (lower is null || upper is null) return null;
            bool inclusive = comparison is SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanOrEqualExpression;
            return Statement.For(counter.Name, new LoopHeader(lower, upper, inclusive, step), body.ToArray(), header);
        }
    }
}
