using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

internal sealed partial class FunctionEmitter
{
    /// <summary>The top-level loop right before <c>return v</c>, when it can be fused (see <see cref="Fusable"/>).</summary>
    private Statement? FusedCandidate()
    {
        var top = r.Top.Statements;
        if (top.Count < 2) return null;
        var last = top[top.Count - 1];
        if (last.Kind != StatementKind.Return || a.Graph[last.Value] is not { Op: Op.Var } v || r.Restored.Contains(v.Name!)) return null;
        var loop = top[top.Count - 2];
        return Fusable(loop, v.Name!) ? loop : null;
    }

    /// <summary>
    /// Whether the loop right before <c>return v</c> can run its reverse iteration inside its forward
    /// iteration: its only state carried from one iteration to the next is the returned accumulator v
    /// (v += e, v -= e, whose adjoint stays 1), nothing is checkpointed, saved or stored, and no statement
    /// of an iteration overwrites a value that the reverse code of an earlier statement of the same
    /// iteration reads. The iterations' reverse steps are then independent of order, and each can use the
    /// values its forward step just computed: one pass instead of a forward pass and a replayed backward one.
    /// </summary>
    private bool Fusable(Statement loop, string accumulator)
    {
        if (loop.Kind != StatementKind.For) return false;
        var info = r[loop];
        if (!info.HasReverse || info.Checkpoint.Count > 0 || info.Saved.Count > 0 || info.Contributes.Contains(accumulator)) return false;
        if (info.Assigned.Any(v => v != accumulator)) return false;
        if (loop.Body.Any(s => s.Kind == StatementKind.Assign && s.Name == accumulator && s.Assign is not (AssignKind.Add or AssignKind.Sub))) return false;
        if (!Nested(loop.Body, top: true)) return false;
        var statements = loop.Body.ToList();
        var later = new HashSet<string>();
        for (int k = statements.Count - 1; k >= 0; k--)
        {
            var s = statements[k];
            var si = r[s];
            if (Reads(si).Overlaps(later)) return false;
            if (s.Kind is StatementKind.Declare or StatementKind.Assign) later.Add(s.Name);
            later.UnionWith(si.Assigned);
        }
        return !statements.Any(s => Reads(r[s]).Contains(accumulator));
    }

    // nothing inside the loop saves, checkpoints or stores (an inner loop of the fused loop may store
    // nothing either: its reverse runs right after its forward, within the same iteration)
    private bool Nested(IEnumerable<Statement> statements, bool top)
    {
        foreach (var s in statements)
        {
            var info = r[s];
            if (info.Save || info.Saved.Count > 0 || info.Checkpoint.Count > 0 || info.HasStores || (!top && info.Stored.Count > 0)) return false;
            if (s.Kind == StatementKind.If && s.Returns) return false;
            if (!Nested(s.Body, false) || !Nested(s.Else, false)) return false;
        }
        return true;
    }

    private static HashSet<string> Reads(StatementInfo info)
    {
        var reads = new HashSet<string>(info.RevReads);
        reads.UnionWith(info.RevReadsAfter);
        reads.UnionWith(info.BranchReads);
        if (info.Then is not null) reads.UnionWith(info.Then.LiveIn);
        if (info.Else is not null) reads.UnionWith(info.Else.LiveIn);
        return reads;
    }

    /// <summary>The loop with each iteration's reverse code right after its forward code (see <see cref="Fusable"/>).</summary>
    private void FusedLoop(Statement loop, IReadOnlyList<Statement> block, List<string> scope)
    {
        var info = r[loop];
        Predeclare(info.Contributes, block, scope);
        Line($"// {loop.Source}: each iteration's reverse right after its forward (they are independent)");
        Open(Header(loop));
        var statements = loop.Body.ToList();
        foreach (var s in statements) Plain(s);
        var inner = new List<string>();
        for (int k = statements.Count - 1; k >= 0; k--) Reverse(statements[k], statements, inner);
        foreach (var name in inner) adjoints.Remove(name);
        Close();
    }
}
