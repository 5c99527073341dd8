using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

internal sealed partial class FunctionEmitter
{
    private ReverseDerivation r = null!;
    private string value = "";
    /// <summary>Adjoints that hold a value at the current point of the reverse code (others are zero).</summary>
    private readonly HashSet<string> adjoints = new();
    private readonly Dictionary<string, string> checkpointStacks = new();
    private readonly Dictionary<string, string> storedStacks = new();
    private Statement? fusedLoop;
    private readonly Dictionary<Statement, Dictionary<string, string>> savedLocals = new(ReferenceComparer<Statement>.Instance);

    /// <summary>
    /// <c>Gradient</c>: the user's code forward (pushing what loops overwrite or produce where the reverse
    /// sweep needs it back), then the statements walked backwards, each adding its partial derivatives
    /// times its adjoint into the adjoints of what it read.
    /// </summary>
    private void Gradient()
    {
        r = new ReverseDerivation(a);
        var outputs = Differentiated.Select(p => p.IsSpan ? $"Span<{E}> {a.Adjoint(p.Name)}" : $"out {p.Type} {a.Adjoint(p.Name)}");
        Line($"/// <summary>");
        Line($"/// Reverse mode: returns <see cref=\"{m.MethodName}{(IsGeneric ? "{" + m.TypeParameter + "}" : "")}({string.Join(", ", m.Parameters.Select(p => CrefType(p)))})\"/> and writes its gradient, one sweep forward and one back:");
        Line($"/// {string.Join(", ", Differentiated.Select(p => $"{a.Adjoint(p.Name)} = ∂{m.MethodName}/∂{p.Name}"))} (spans overwritten, not accumulated). Written by the AutoDiff generator.");
        Line($"/// </summary>");
        Open($"{m.Accessibility} static {E} {m.MethodName}Gradient{TypeArgs}({string.Join(", ", new[] { Parameters }.Concat(outputs).Where(x => x.Length > 0))}){Constraint}");
        var adjointSpans = Differentiated.Where(p => p.IsSpan).ToList();
        Checks(adjointSpans.Select(p => (p, a.Adjoint(p.Name))), "an adjoint");
        foreach (var p in adjointSpans)
            foreach (var read in m.Parameters.Where(q => q.IsSpan))
                Line($"if ({a.Adjoint(p.Name)}.Overlaps({read.Name})) throw new ArgumentException(\"{a.Adjoint(p.Name)} overlaps {read.Name}: the gradient is written while {read.Name} is read, so they must not share memory.\", nameof({a.Adjoint(p.Name)}));");
        // cleared before the forward sweep, not between the sweeps: a call there would make the JIT keep
        // the forward loop's accumulators in memory (every xmm register is caller-saved)
        foreach (var p in adjointSpans) Line($"{a.Adjoint(p.Name)}.Clear();");
        fusedLoop = FusedCandidate();
        Stacks();

        var top = r.Top;
        var last = top.Statements[top.Statements.Count - 1];
        if (last.Kind == StatementKind.Return && a.Graph[last.Value] is { Op: Op.Var } v && !r.Restored.Contains(v.Name!)) value = v.Name!;
        else
        {
            value = a.Names.Fresh("value");
            if (last.Kind != StatementKind.Return) Line($"{E} {value};");
        }
        foreach (var p in adjointSpans) adjoints.Add(a.Adjoint(p.Name));
        PrimalBlock(top, isTop: true);
        foreach (var p in Differentiated.Where(p => !p.IsSpan && !adjoints.Contains(a.Adjoint(p.Name))))
            Line($"{a.Adjoint(p.Name)} = {Zero(p.Type)};");
        foreach (var stack in checkpointStacks.Values.Concat(storedStacks.Values)) Line($"{stack}.Dispose();");
        Line($"return {value};");
        Close();
    }

    /// <summary>The stacks of values loops overwrite (checkpoints) and of loop results (stored), declared once per method.</summary>
    private void Stacks()
    {
        void Walk(IEnumerable<Statement> statements)
        {
            foreach (var s in statements)
            {
                if (ReferenceEquals(s, fusedLoop)) continue;
                if (s.Kind == StatementKind.For)
                {
                    var info = r[s];
                    foreach (var v in info.Checkpoint) if (!checkpointStacks.ContainsKey(v)) checkpointStacks[v] = a.Names.Fresh(v + "Stack");
                    foreach (var v in info.Stored) if (!storedStacks.ContainsKey(v)) storedStacks[v] = a.Names.Fresh(v + "Stored");
                }
                Walk(s.Body);
                Walk(s.Else);
            }
        }
        Walk(m.Body);
        foreach (var stack in checkpointStacks.Values.Concat(storedStacks.Values))
            Line(IsGeneric
                ? $"var {stack} = new SweepStack<{E}>(SweepStack<{E}>.InlineCapacity);"
                : $"var {stack} = new SweepStack<{E}>(stackalloc {E}[SweepStack<{E}>.InlineCapacity]);");
    }

    // ---- blocks

    /// <summary>A block run in full: its statements forward, the returned value and its seed, then its statements backwards.</summary>
    private void PrimalBlock(BlockInfo block, bool isTop)
    {
        var statements = block.Statements;
        var last = statements[statements.Count - 1];
        var body = statements.Take(statements.Count - 1).ToList();
        var scope = new List<string>();
        var fused = isTop ? fusedLoop : null;
        if (fused is not null) body.RemoveAt(body.Count - 1);
        foreach (var s in body) Forward(s, block, isTop);
        if (last.Kind == StatementKind.Return)
        {
            var info = r[last];
            if (a.Graph[last.Value] is { Op: Op.Var } v && v.Name == value)
            {
                ReverseSweepStarts(isTop);
                if (info.Partials.Count > 0) Line($"// {last.Source}");
                Contributions(info.Partials, -1, body, scope);
                if (fused is not null) FusedLoop(fused, block.Statements, scope);
            }
            else
            {
                // the value and the seed's partials written together: a call's Gradient gives both its value and its partials
                bool declares = !IsDeclared(last);
                Contributions(info.Partials, last.Value, body, scope, null, result =>
                {
                    if (result != value) Line(declares ? $"{E} {value} = {result};" : $"{value} = {result};");
                    ReverseSweepStarts(isTop);
                }, declares ? new Dictionary<int, string> { [last.Value] = value } : null);
            }
        }
        else
        {
            var info = r[last];
            ReverseSweepStarts(isTop);
            Predeclare(info.Contributes, body, scope);
            Open($"if ({Expression(last.Value)})");
            PrimalBlock(info.Then!, false);
            Close();
            Open("else");
            PrimalBlock(info.Else!, false);
            Close();
        }
        for (int k = body.Count - 1; k >= 0; k--) Reverse(body[k], body, scope);
        foreach (var name in scope) adjoints.Remove(name);
    }

    private void ReverseSweepStarts(bool isTop)
    {
        if (!isTop) return;
        Line("// reverse sweep: adjoints from the result back to the parameters");
    }

    // the value local is declared before the tail if (when there is one), so branches assign it
    private bool IsDeclared(Statement last) => !ReferenceEquals(r.Top.Statements[r.Top.Statements.Count - 1], last) || last.Kind != StatementKind.Return;

    /// <summary>A block replayed inside reverse code (a loop iteration, an if branch): what its reverse needs forward, then its statements backwards.</summary>
    private void ReplayBlock(BlockInfo block, bool loopBody)
    {
        var statements = block.Statements.ToList();
        var scope = new List<string>();
        var merged = new HashSet<string>();
        for (int k = 0; k < statements.Count; k++)
        {
            var s = statements[k];
            var info = r[s];
            if (s.Kind == StatementKind.Declare && !info.Kept && info.Mentioned)
            {
                // a declaration whose value is not needed; a stored loop result popped next gives it its value
                bool poppedNext = statements.Skip(k + 1).FirstOrDefault(t => r[t].Kept) is { Kind: StatementKind.For } next && r[next].Stored.Contains(s.Name);
                if (poppedNext) merged.Add(s.Name);
                else Line($"{(s.Type == LocalType.Bool ? "bool" : s.Type == LocalType.Int ? "int" : E)} {s.Name};");
                continue;
            }
            if (s.Kind == StatementKind.For && info.Stored.Count > 0 && loopBody)
            {
                foreach (var v in info.Saved) Line($"{E} {SavedLocal(s, v)} = {v};");
                foreach (var v in info.Stored) Line($"{(merged.Remove(v) ? E + " " : "")}{v} = {storedStacks[v]}.Pop();");
                continue;
            }
            if (info.Kept) Forward(s, block, false);
        }
        for (int k = statements.Count - 1; k >= 0; k--) Reverse(statements[k], statements, scope);
        foreach (var name in scope) adjoints.Remove(name);
    }

    private string SavedLocal(Statement s, string v)
    {
        if (!savedLocals.TryGetValue(s, out var map)) savedLocals[s] = map = new Dictionary<string, string>();
        return map.TryGetValue(v, out var name) ? name : map[v] = a.Names.Fresh(v + "Saved");
    }

    // ---- the forward part

    private void Forward(Statement s, BlockInfo block, bool isTop)
    {
        var info = r[s];
        switch (s.Kind)
        {
            case StatementKind.Assign:
                if (info.Save) Line($"{E} {SavedLocal(s, s.Name)} = {s.Name};");
                Plain(s);
                break;
            case StatementKind.If:
                foreach (var v in info.Saved) Line($"{E} {SavedLocal(s, v)} = {v};");
                if (info.Kept) PlainIf(s, PlainBlock);
                break;
            case StatementKind.For:
                foreach (var v in info.Saved) Line($"{E} {SavedLocal(s, v)} = {v};");
                if (!info.Kept) break;
                if (isTop)
                    foreach (var v in info.Checkpoint) Line($"{checkpointStacks[v]}.Reserve({TripCount(s)});");
                Open(Header(s));
                foreach (var v in info.Checkpoint) Line($"{checkpointStacks[v]}.Push({v});");
                foreach (var inner in s.Body)
                {
                    Plain(inner);
                    if (inner.Kind == StatementKind.For)
                        foreach (var v in r[inner].Stored) Line($"{storedStacks[v]}.Push({v});");
                }
                Close();
                break;
            default:
                Plain(s);
                break;
        }
    }

    // ---- the reverse part

    /// <summary>
    /// Before a statement whose reverse code adds into adjoints that do not hold a value yet: declare them 0
    /// (the adjoint of a local declared in this block, <paramref name="scope"/>) or set them 0 (an out parameter).
    /// </summary>
    private void Predeclare(IEnumerable<string> contributes, IReadOnlyList<Statement> block, List<string> scope)
    {
        foreach (var v in contributes.OrderBy(n => n))
        {
            string adjoint = a.Adjoint(v);
            if (adjoints.Contains(adjoint)) continue;
            if (a.Parameters.TryGetValue(v, out var p))
            {
                if (p.IsSpan) continue;
                Line($"{adjoint} = {Zero(p.Type)};");
                adjoints.Add(adjoint);
            }
            else if (block.Any(t => t.Kind == StatementKind.Declare && t.Name == v))
            {
                Line($"{E} {adjoint} = {Zero(E)};");
                adjoints.Add(adjoint);
                scope.Add(adjoint);
            }
        }
    }

    private string Zero(string type) => type == E ? d.Number(0) : type == "float" ? "0f" : "0.0";

    private void Reverse(Statement s, IReadOnlyList<Statement> block, List<string> scope)
    {
        var info = r[s];
        switch (s.Kind)
        {
            case StatementKind.Declare or StatementKind.Assign when s.Type == LocalType.Element:
                Simple(s, info, block, scope);
                break;
            case StatementKind.If when !s.Returns:
                {
                    var saved = info.Saved;
                    if (!info.HasReverse && saved.Count == 0) break;
                    Line($"// {s.Source}");
                    foreach (var v in saved) Line($"{v} = {SavedLocal(s, v)};");
                    if (info.HasReverse)
                    {
                        Predeclare(info.Contributes, block, scope);
                        string condition = Expression(s.Value);
                        if (info.Then!.HasReverse)
                        {
                            Open($"if ({condition})");
                            ReplayBlock(info.Then, false);
                            Close();
                            if (info.Else!.HasReverse)
                            {
                                Open("else");
                                ReplayBlock(info.Else, false);
                                Close();
                            }
                        }
                        else
                        {
                            Open($"if (!({condition}))");
                            ReplayBlock(info.Else!, false);
                            Close();
                        }
                        foreach (var v in saved.Where(v => info.Assigned.Contains(v))) Line($"{v} = {SavedLocal(s, v)};");
                    }
                    break;
                }
            case StatementKind.For:
                {
                    if (!info.HasReverse && info.Saved.Count == 0) break;
                    if (info.HasReverse)
                    {
                        Predeclare(info.Contributes, block, scope);
                        Line($"// {s.Source}, backwards");
                        Open(ReverseHeader(s));
                        foreach (var v in info.Checkpoint.AsEnumerable().Reverse()) Line($"{v} = {checkpointStacks[v]}.Pop();");
                        ReplayBlock(info.Then!, true);
                        Close();
                    }
                    foreach (var v in info.Saved) Line($"{v} = {SavedLocal(s, v)};");
                    break;
                }
        }
    }

    /// <summary>v := R backwards: restore v where it was saved, add dv·∂R/∂u into each du, then dv becomes dv·∂R/∂v (0 when R does not read v).</summary>
    private void Simple(Statement s, StatementInfo info, IReadOnlyList<Statement> block, List<string> scope)
    {
        string dv = a.Adjoint(s.Name);
        bool live = adjoints.Contains(dv);
        bool work = live && (info.Partials.Count > 0 || info.Contributes.Contains(s.Name));
        if (!work && !info.Save) return;
        Line($"// {s.Source}");
        string? saved = info.Save ? SavedLocal(s, s.Name) : null;
        if (saved is not null && !info.NewValue) Line($"{s.Name} = {saved};");
        if (work)
        {
            var g = a.Graph;
            int adjoint = g.Var(dv);
            bool scales = info.SelfPartial >= 0 && !g.IsConst(info.SelfPartial, 1) && !g.IsConst(info.SelfPartial, 0);
            // dv = 0 where a branch was not taken, and then 0·(a partial that is NaN there) must stay 0
            bool guard = a.MayBeMasked(s.Name) && (info.Partials.Any(p => a.MayBeSingular(p.Partial)) || scales && a.MayBeSingular(info.SelfPartial));
            int zero = g.Const(0), untaken = g.Binary(Op.Eq, adjoint, zero);
            int Times(int partial) => guard && a.MayBeSingular(partial) ? g.Cond(untaken, zero, g.Mul(adjoint, partial)) : g.Mul(adjoint, partial);
            var contributions = info.Partials.Select(p => (p.Leaf, Times(p.Partial))).ToList();
            var known = info.NewValue ? Known(a.Full(s), s.Name) : null;
            bool guardScale = scales && guard && a.MayBeSingular(info.SelfPartial);
            string? scale = Contributions(contributions, scales ? (guardScale ? Times(info.SelfPartial) : info.SelfPartial) : -1, block, scope, known);
            if (scale is not null) Line(guardScale ? $"{dv} = {scale};" : $"{dv} *= {scale};");
            else if (s.Kind == StatementKind.Assign && (info.SelfPartial < 0 || g.IsConst(info.SelfPartial, 0))) Line($"{dv} = {Zero(E)};");
        }
        if (saved is not null && info.NewValue) Line($"{s.Name} = {saved};");
    }

    /// <summary>
    /// Writes adjoint(leaf) += value for each contribution (the values written together, so what they
    /// share is one local), and returns the text of <paramref name="extra"/> when there is one.
    /// </summary>
    private string? Contributions(List<(int Leaf, int Value)> contributions, int extra, IReadOnlyList<Statement> block, List<string> scope, IReadOnlyDictionary<int, string>? known = null, System.Action<string>? beforeAdds = null, IReadOnlyDictionary<int, string>? exact = null)
    {
        var g = a.Graph;
        // −e is written as -= e
        bool Negative(int id) => g[id].Op == Op.Neg || g.IsConst(id, out var c) && c < 0;
        int Positive(int id) => g[id].Op == Op.Neg ? g[id].A : g.IsConst(id, out var c) && c < 0 ? g.Const(-c) : id;
        var roots = contributions.Select(c => Positive(c.Value)).ToList();
        if (extra >= 0) roots.Add(extra);
        var (statements, results) = Write(roots, known, exact);
        Lines(statements);
        beforeAdds?.Invoke(extra >= 0 ? results[results.Length - 1] : "");
        for (int k = 0; k < contributions.Count; k++)
        {
            bool negated = Negative(contributions[k].Value);
            string text = results[k];
            // −2·x·d is written as -= 2·x·d: the sign of a product's first factor is the product's
            if (!negated && text.StartsWith("-", System.StringComparison.Ordinal) && g[roots[k]].Op is Op.Mul or Op.Div)
            {
                negated = true;
                text = text.Substring(1);
            }
            Add(contributions[k].Leaf, negated, text);
        }
        return extra >= 0 ? results[results.Length - 1] : null;

        void Add(int leaf, bool negated, string text)
        {
            var n = g[leaf];
            string target = n.Op == Op.Index ? $"{a.Adjoint(n.Name!)}[{g[n.A].Name}]" : a.Adjoint(n.Name!);
            a.Parameters.TryGetValue(n.Name!, out var p);
            bool converted = p is { Kind: ParameterKind.Scalar } && p.Type != E;
            if (n.Op == Op.Var && !adjoints.Contains(target))
            {
                // the first contribution: declare the local's adjoint, or assign the out parameter
                adjoints.Add(target);
                string first = negated ? "-" + Paren(text) : text;
                if (p is null)
                {
                    scope.Add(target);
                    Line($"{E} {target} = {first};");
                }
                else Line($"{target} = {(converted ? ToParameterType(p, first) : first)};");
                return;
            }
            if (converted) Line($"{target} += {ToParameterType(p!, negated ? "-" + Paren(text) : text)};");
            else Line($"{target} {(negated ? "-=" : "+=")} {text};");
        }
    }
}
