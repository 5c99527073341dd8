using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// How a block's statements run in a reverse sweep. The top of the method and the branches of a tail
/// <c>if</c> run forward in full (<see cref="Primal"/>); a loop body or an <c>if</c> branch is replayed
/// inside its reverse code (<see cref="Replay"/>), recomputing only what its reverse needs.
/// </summary>
internal enum BlockMode : byte { Primal, Replay }

/// <summary>A block as the reverse sweep sees it: its statements' analyses and the variables it needs at its start.</summary>
internal sealed class BlockInfo
{
    public BlockInfo(IReadOnlyList<Statement> statements, BlockMode mode)
    {
        Statements = statements;
        Mode = mode;
    }

    public IReadOnlyList<Statement> Statements { get; }

    public BlockMode Mode { get; }

    /// <summary>Variables whose values at the block's start its replay and reverse read.</summary>
    public HashSet<string> LiveIn { get; set; } = new();

    /// <summary>Whether the block's reverse code does anything.</summary>
    public bool HasReverse { get; set; }
}

/// <summary>What the reverse sweep does with one statement (all sets hold variable names).</summary>
internal sealed class StatementInfo
{
    /// <summary>Run in the forward part of its block (always in <see cref="BlockMode.Primal"/>).</summary>
    public bool Kept { get; set; }

    /// <summary>Declared but its value not needed: printed as a bare declaration where a later statement uses the name.</summary>
    public bool Mentioned { get; set; }

    // ---- an assignment or declaration v := R

    /// <summary>(active leaf, ∂R/∂leaf) for every leaf but v itself.</summary>
    public List<(int Leaf, int Partial)> Partials { get; } = new();

    /// <summary>∂R/∂v when R reads v (v op= e), else −1.</summary>
    public int SelfPartial { get; set; } = -1;

    /// <summary>The partials use R itself, which the reverse code reads as v (before v is restored).</summary>
    public bool NewValue { get; set; }

    /// <summary>v's old value is saved in a local before the statement and restored in its reverse code.</summary>
    public bool Save { get; set; }

    public HashSet<string> FwdReads { get; } = new();

    /// <summary>Read by the reverse code with their values from before the statement.</summary>
    public HashSet<string> RevReads { get; } = new();

    /// <summary>Read by the reverse code with their values from after it (v, when <see cref="NewValue"/>).</summary>
    public HashSet<string> RevReadsAfter { get; } = new();

    /// <summary>Element variables declared outside the statement that it (or a statement inside it) assigns.</summary>
    public HashSet<string> Assigned { get; } = new();

    /// <summary>If: what its reverse code reads at the if's start (the condition, the branches' live-in).</summary>
    public HashSet<string> BranchReads { get; } = new();

    /// <summary>Names whose adjoints the reverse code changes.</summary>
    public HashSet<string> Contributes { get; } = new();

    // ---- an if or a for

    public BlockInfo? Then { get; set; }

    public BlockInfo? Else { get; set; }

    /// <summary>If: saved before it, restored before and after its reverse. For: saved before the loop, restored after its reverse.</summary>
    public List<string> Saved { get; } = new();

    /// <summary>For: pushed at the start of every iteration, popped at the start of every reverse iteration.</summary>
    public List<string> Checkpoint { get; } = new();

    /// <summary>For inside a loop body: its results, pushed after it by the enclosing loop and popped in the replay instead of running it again.</summary>
    public List<string> Stored { get; } = new();

    /// <summary>For: the direct inner loops whose results it stores.</summary>
    public bool HasStores { get; set; }

    public bool HasReverse { get; set; }
}

/// <summary>
/// The derive step of reverse mode: for every statement its partial derivatives (one rule per op, seeded
/// on one leaf at a time), and for every block which statements a replay keeps (liveness), which
/// overwritten values are saved, what each loop checkpoints per iteration, and which inner-loop results
/// are stored rather than recomputed. The policy: recompute straight-line code (its values are cheap
/// and in registers), store what a loop produced (recomputing it costs a loop).
/// </summary>
internal sealed class ReverseDerivation
{
    private readonly FunctionAnalysis a;
    private readonly Dictionary<Statement, StatementInfo> infos = new(ReferenceComparer<Statement>.Instance);

    public ReverseDerivation(FunctionAnalysis analysis)
    {
        a = analysis;
        Top = Block(analysis.Model.Body.ToList(), BlockMode.Primal, new HashSet<string>(), loopBody: false);
    }

    public BlockInfo Top { get; }

    public StatementInfo this[Statement s] => infos[s];

    /// <summary>Every variable a checkpoint, a store or a save restores in the reverse sweep.</summary>
    public HashSet<string> Restored { get; } = new();

    private BlockInfo Block(IReadOnlyList<Statement> statements, BlockMode mode, HashSet<string> outerNeed, bool loopBody)
    {
        var block = new BlockInfo(statements, mode);
        foreach (var s in statements)
            if (!(s.Kind == StatementKind.If && s.Returns)) infos[s] = Analyze(s);
        for (int round = 0; round < 8; round++)
        {
            bool changed = Liveness(block, loopBody);
            changed |= Saves(block, outerNeed);
            if (!changed && round > 0) break;
        }
        // a tail if runs last, forward and reverse in place; its branches restore what the statements before it need
        if (statements.Count > 0 && statements[statements.Count - 1] is { Kind: StatementKind.If, Returns: true } tail)
        {
            var need = new HashSet<string>(outerNeed);
            foreach (var s in statements.Take(statements.Count - 1)) need.UnionWith(RevReadsOf(infos[s]));
            var info = new StatementInfo { Kept = true };
            info.Then = Block(tail.Body.ToList(), BlockMode.Primal, need, false);
            info.Else = Block(tail.Else.ToList(), BlockMode.Primal, need, false);
            info.FwdReads.UnionWith(a.Reads(tail.Value));
            info.HasReverse = true;
            void Walk(IEnumerable<Statement> inner)
            {
                foreach (var t in inner)
                {
                    if (infos.TryGetValue(t, out var i)) info.Contributes.UnionWith(i.Contributes);
                    Walk(t.Body);
                    Walk(t.Else);
                }
            }
            Walk(tail.Body);
            Walk(tail.Else);
            infos[tail] = info;
        }
        block.HasReverse = statements.Any(s => infos[s].HasReverse);
        return block;
    }

    private static IEnumerable<string> RevReadsOf(StatementInfo i) => i.RevReads.Concat(i.RevReadsAfter);

    private StatementInfo Analyze(Statement s)
    {
        var info = new StatementInfo();
        switch (s.Kind)
        {
            case StatementKind.Declare when s.Type == LocalType.Int:
                info.Kept = true;
                break;
            case StatementKind.Declare when s.Type == LocalType.Bool:
                info.FwdReads.UnionWith(a.Reads(s.Value));
                break;
            case StatementKind.Declare or StatementKind.Assign:
                Simple(s, info);
                break;
            case StatementKind.Return:
                {
                    // the seed: d(result) = 1
                    info.Kept = true;
                    int r = s.Value;
                    info.FwdReads.UnionWith(a.Reads(r));
                    foreach (int leaf in a.ActiveLeaves(r))
                    {
                        int p = a.Partial(r, leaf);
                        if (a.Graph.IsConst(p, 0)) continue;
                        info.Partials.Add((leaf, p));
                        info.Contributes.Add(a.Graph[leaf].Name!);
                        info.RevReads.UnionWith(a.Reads(p));
                    }
                    info.HasReverse = info.Partials.Count > 0;
                    break;
                }
            case StatementKind.If:
                {
                    info.Then = Block(s.Body.ToList(), BlockMode.Replay, new HashSet<string>(), false);
                    info.Else = Block(s.Else.ToList(), BlockMode.Replay, new HashSet<string>(), false);
                    Compound(s, info, new[] { s.Body, s.Else });
                    var cond = a.Reads(s.Value);
                    info.FwdReads.UnionWith(cond);
                    info.HasReverse = info.Then.HasReverse || info.Else.HasReverse;
                    if (info.HasReverse)
                    {
                        info.BranchReads.UnionWith(cond);
                        info.BranchReads.UnionWith(info.Then.LiveIn);
                        info.BranchReads.UnionWith(info.Else.LiveIn);
                        info.RevReads.UnionWith(info.BranchReads); // less what is saved before the if, once that is known
                    }
                    break;
                }
            case StatementKind.For:
                {
                    info.Then = Block(s.Body.ToList(), BlockMode.Replay, new HashSet<string>(), loopBody: true);
                    Compound(s, info, new[] { s.Body });
                    info.HasStores = s.Body.Any(inner => inner.Kind == StatementKind.For && infos[inner].Stored.Count > 0);
                    info.HasReverse = info.Then.HasReverse;
                    if (info.HasReverse)
                    {
                        info.Checkpoint.AddRange(info.Assigned.Where(info.Then.LiveIn.Contains).OrderBy(n => n));
                        info.RevReads.UnionWith(info.Then.LiveIn);
                        info.RevReads.ExceptWith(info.Assigned);
                    }
                    break;
                }
        }
        return info;
    }

    /// <summary>v := R: partials, and what the forward and reverse code read.</summary>
    private void Simple(Statement s, StatementInfo info)
    {
        if (s.Value < 0) return; // a declaration without a value
        int r = a.Full(s);
        info.FwdReads.UnionWith(a.Reads(r));
        if (!a.IsActive(s.Name)) return;
        bool readsItself = s.Kind == StatementKind.Assign && a.Graph.Mentions(r, s.Name);
        var self = a.Graph.Var(s.Name);
        foreach (int leaf in a.ActiveLeaves(r))
        {
            int p = a.Partial(r, leaf);
            if (leaf == self) { info.SelfPartial = p; continue; }
            if (a.Graph.IsConst(p, 0)) continue;
            info.Partials.Add((leaf, p));
            info.Contributes.Add(a.Graph[leaf].Name!);
        }
        if (s.Kind == StatementKind.Assign && (info.SelfPartial < 0 || !a.Graph.IsConst(info.SelfPartial, 1))) info.Contributes.Add(s.Name);
        // a partial that contains R itself (d eᵘ = eᵘ du) reads it as v, when v is not also read before the statement
        info.NewValue = !readsItself && !a.Graph[r].IsLeaf && info.Partials.Any(p => a.Graph.Any(p.Partial, n => n.Equals(a.Graph[r])));
        foreach (var (_, p) in info.Partials) info.RevReads.UnionWith(a.Reads(p, info.NewValue ? r : -1));
        if (info.SelfPartial >= 0) info.RevReads.UnionWith(a.Reads(info.SelfPartial));
        if (info.NewValue) info.RevReadsAfter.Add(s.Name);
        info.HasReverse = info.Partials.Count > 0 || info.Contributes.Contains(s.Name);
    }

    /// <summary>For an if or a for: what it assigns that lives outside it, reads, and the adjoints it changes.</summary>
    private void Compound(Statement s, StatementInfo info, IEnumerable<EquatableArray<Statement>> blocks)
    {
        var declared = new HashSet<string>();
        void Walk(IEnumerable<Statement> statements)
        {
            foreach (var t in statements)
            {
                if (t.Kind == StatementKind.Declare) declared.Add(t.Name);
                if (t.Kind == StatementKind.Assign && !declared.Contains(t.Name)) info.Assigned.Add(t.Name);
                if (t.Kind is StatementKind.Declare or StatementKind.Assign && t.Value >= 0) info.FwdReads.UnionWith(a.Reads(a.Full(t)));
                if (t.Kind == StatementKind.If) info.FwdReads.UnionWith(a.Reads(t.Value));
                if (infos.TryGetValue(t, out var inner)) info.Contributes.UnionWith(inner.Contributes);
                Walk(t.Body);
                Walk(t.Else);
            }
        }
        foreach (var b in blocks) Walk(b);
        info.Contributes.ExceptWith(declared);
    }

    /// <summary>Backward liveness over a block: which statements a replay keeps, and the block's live-in. True when anything changed.</summary>
    private bool Liveness(BlockInfo block, bool loopBody)
    {
        bool changed = false;
        var live = new HashSet<string>();
        var mentioned = new HashSet<string>();
        for (int k = block.Statements.Count - 1; k >= 0; k--)
        {
            var s = block.Statements[k];
            if (!infos.TryGetValue(s, out var info)) continue; // the tail if, analysed afterwards
            bool keep;
            switch (s.Kind)
            {
                case StatementKind.Declare when s.Type == LocalType.Int:
                    keep = true;
                    break;
                case StatementKind.Declare or StatementKind.Assign:
                    keep = block.Mode == BlockMode.Primal || live.Contains(s.Name) || info.RevReadsAfter.Count > 0;
                    live.Remove(s.Name);
                    if (keep) live.UnionWith(info.FwdReads);
                    live.UnionWith(info.RevReads);
                    if (info.Save) live.Add(s.Name);
                    if (s.Kind == StatementKind.Declare && !keep && mentioned.Contains(s.Name) != info.Mentioned)
                    {
                        info.Mentioned = !info.Mentioned;
                        changed = true;
                    }
                    break;
                case StatementKind.For when loopBody && block.Mode == BlockMode.Replay && info.Checkpoint.Count == 0 && !info.HasStores:
                    {
                        // an inner loop of a loop body: its results are stored, not recomputed
                        var results = info.Assigned.Where(live.Contains).OrderBy(n => n).ToList();
                        if (!results.SequenceEqual(info.Stored))
                        {
                            info.Stored.Clear();
                            info.Stored.AddRange(results);
                            changed = true;
                        }
                        keep = results.Count > 0;
                        live.ExceptWith(results);
                        live.UnionWith(info.RevReads);
                        live.UnionWith(info.Saved);
                        break;
                    }
                case StatementKind.For:
                    keep = block.Mode == BlockMode.Primal || info.Checkpoint.Count > 0 || info.HasStores || info.Assigned.Overlaps(live);
                    if (keep) live.UnionWith(info.FwdReads);
                    live.UnionWith(info.RevReads);
                    live.UnionWith(info.Saved);
                    break;
                default: // if, return
                    keep = block.Mode == BlockMode.Primal || info.Assigned.Overlaps(live);
                    if (keep) live.UnionWith(info.FwdReads);
                    live.UnionWith(info.RevReads);
                    live.UnionWith(info.Saved);
                    break;
            }
            if (keep != info.Kept)
            {
                info.Kept = keep;
                changed = true;
            }
            if (keep) mentioned.UnionWith(info.FwdReads);
            mentioned.UnionWith(info.RevReads);
            mentioned.UnionWith(info.RevReadsAfter);
            mentioned.UnionWith(info.Assigned.Where(_ => keep));
            if (keep && s.Kind == StatementKind.Assign) mentioned.Add(s.Name);
            mentioned.UnionWith(info.Stored);
            mentioned.UnionWith(info.Checkpoint);
            mentioned.UnionWith(info.Saved);
        }
        if (!live.SetEquals(block.LiveIn))
        {
            block.LiveIn = live;
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// Forward over a block: which overwritten values the reverse needs back (saved in a local before the
    /// statement, restored in its reverse code). True when anything changed.
    /// </summary>
    private bool Saves(BlockInfo block, HashSet<string> outerNeed)
    {
        bool changed = false;
        var need = new HashSet<string>(outerNeed);
        foreach (var s in block.Statements)
        {
            if (!infos.TryGetValue(s, out var info)) continue;
            switch (s.Kind)
            {
                case StatementKind.Assign:
                    {
                        bool save = info.Kept && (info.RevReads.Contains(s.Name) || need.Contains(s.Name));
                        if (save != info.Save)
                        {
                            info.Save = save;
                            changed = true;
                        }
                        if (save) Restored.Add(s.Name);
                        break;
                    }
                case StatementKind.If when !s.Returns:
                    {
                        // only what is changed between the save and a restore: by the if run forward, or by its branches replayed
                        var modified = new HashSet<string>(ReplayAssigned(info.Then!).Concat(ReplayAssigned(info.Else!)));
                        if (info.Kept) modified.UnionWith(info.Assigned);
                        var saved = info.Assigned.Where(modified.Contains)
                            .Where(v => need.Contains(v) || info.RevReads.Contains(v) || info.Then!.LiveIn.Contains(v) || info.Else!.LiveIn.Contains(v) || a.Reads(s.Value).Contains(v))
                            .OrderBy(n => n).ToList();
                        changed |= Replace(info.Saved, saved);
                        // the reverse code reads the if's start values: saved ones come from their locals
                        var reads = new HashSet<string>(info.BranchReads.Where(v => !saved.Contains(v)));
                        if (!reads.SetEquals(info.RevReads))
                        {
                            info.RevReads.Clear();
                            info.RevReads.UnionWith(reads);
                            changed = true;
                        }
                        break;
                    }
                case StatementKind.For:
                    changed |= Replace(info.Saved, info.Assigned.Where(need.Contains).OrderBy(n => n).ToList());
                    Restored.UnionWith(info.Checkpoint);
                    Restored.UnionWith(info.Stored);
                    break;
            }
            Restored.UnionWith(info.Saved);
            need.UnionWith(RevReadsOf(info));
        }
        return changed;
    }

    /// <summary>The variables a replay of <paramref name="block"/> assigns (its kept statements, stored loop results popped).</summary>
    private IEnumerable<string> ReplayAssigned(BlockInfo block)
    {
        foreach (var s in block.Statements)
        {
            var info = infos[s];
            if (info.Stored.Count > 0) foreach (var v in info.Stored) yield return v;
            if (!info.Kept) continue;
            if (s.Kind == StatementKind.Assign) yield return s.Name;
            foreach (var v in info.Assigned) yield return v;
        }
    }

    private static bool Replace(List<string> list, List<string> values)
    {
        if (list.SequenceEqual(values)) return false;
        list.Clear();
        list.AddRange(values);
        return true;
    }
}
