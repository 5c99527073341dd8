using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

internal sealed partial class FunctionEmitter
{
    private HashSet<string>? neededPrimals;

    /// <summary>
    /// The element locals whose values the Tangent needs: read by a tangent, a condition, an int or bool
    /// local, or a needed local. The Tangent returns ∇f·t only, so an accumulator nothing else reads
    /// (Rosenbrock's f) is not computed at all: its tangent is.
    /// </summary>
    private bool PrimalNeeded(string name)
    {
        if (neededPrimals is null)
        {
            neededPrimals = new HashSet<string>();
            while (NeededPass(m.Body)) { }
        }
        return neededPrimals.Contains(name);
    }

    private bool NeededPass(IEnumerable<Statement> statements)
    {
        bool changed = false;
        void Need(int id)
        {
            if (id < 0) return;
            foreach (var v in a.Reads(id)) changed |= neededPrimals!.Add(v);
        }
        foreach (var s in statements)
        {
            switch (s.Kind)
            {
                case StatementKind.Declare or StatementKind.Assign when s.Type == LocalType.Element:
                    if (a.IsActive(s.Name) && s.Value >= 0) Need(a.TangentOf(a.Full(s)));
                    if (neededPrimals!.Contains(s.Name)) Need(s.Value);
                    break;
                case StatementKind.Declare or StatementKind.Assign:
                    Need(s.Value);
                    break;
                case StatementKind.If:
                    Need(s.Value);
                    break;
                case StatementKind.Return:
                    Need(a.TangentOf(s.Value));
                    break;
            }
            changed |= NeededPass(s.Body);
            changed |= NeededPass(s.Else);
        }
        return changed;
    }
}
