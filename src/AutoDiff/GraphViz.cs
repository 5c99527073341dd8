using System.Globalization;
using System.Numerics;
using System.Text;

namespace AutoDiff;

/// <summary>
/// Exports the recorded graph behind a value as Graphviz DOT (like micrograd's <c>draw_dot</c>): a node
/// per operation with its shape, its value when it has at most four elements, and its gradient once a
/// backward sweep has reached it. Render with <c>dot -Tpng graph.dot -o graph.png</c>.
/// </summary>
public static class GraphViz
{
    /// <summary>The DOT text for every operation that <paramref name="output"/> depends on.</summary>
    public static string ToDot<T>(Var<T> output, string name = "autodiff") where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        var t = output.Section;
        var reachable = new SortedSet<int>();
        var stack = new Stack<int>([output.Index]);
        while (stack.Count > 0)
        {
            int i = stack.Pop();
            if (i < 0 || !reachable.Add(i)) continue;
            foreach (int input in t.InputList(i)) stack.Push(input);
        }
        var sb = new StringBuilder();
        sb.AppendLine($"digraph {Quote(name)} {{").AppendLine("  rankdir=LR;").AppendLine("  node [shape=record, fontname=\"Helvetica\"];");
        foreach (int i in reachable)
        {
            ref var n = ref t.Nodes[i];
            string op = n.Op switch
            {
                TensorOp.Elementwise or TensorOp.Function => n.Function?.ToString() ?? n.Op.ToString().ToLowerInvariant(),
                TensorOp.Leaf => "parameter",
                TensorOp.Constant => "constant",
                TensorOp.Scale => $"scale {Format(n.Alpha)}",
                TensorOp.SumAxis => $"sum axis {n.Axis}",
                _ => n.Op.ToString().ToLowerInvariant(),
            };
            var label = new StringBuilder($"#{i} {op} | {n.Shape}");
            var value = t.ValueOf(i);
            if (value.Length is > 0 and <= 4) label.Append($" | value {Join(value)}");
            if (n.RequiresGrad && n.GradStamp != 0 && n.Grad is not null && n.Shape.Length is > 0 and <= 4)
                label.Append($" | grad {Join(n.Grad.AsSpan(0, n.Shape.Length))}");
            sb.AppendLine($"  n{i} [label={Quote("{" + label + "}")}{(n.Op == TensorOp.Leaf ? ", style=filled, fillcolor=\"#dbeafe\"" : "")}];");
            foreach (int input in t.InputList(i)) sb.AppendLine($"  n{input} -> n{i};");
        }
        return sb.AppendLine("}").ToString();
    }

    private static string Join<T>(ReadOnlySpan<T> v) where T : IFloatingPointIeee754<T>
    {
        var parts = new string[v.Length];
        for (int i = 0; i < v.Length; i++) parts[i] = Format(v[i]);
        return string.Join(", ", parts);
    }

    private static string Format<T>(T v) where T : IFloatingPointIeee754<T> => v.ToString("G4", CultureInfo.InvariantCulture);

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("<", "\\<").Replace(">", "\\>") + "\"";
}
