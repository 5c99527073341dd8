using System.Buffers;
using System.Numerics;

namespace AutoDiff;

// The two walks behind higher-order derivatives. Both record on this tape with each node's row of the
// gradient table (TensorRules): the reverse walk its VJP, the forward walk its tangent rule (JVP). What
// they record is ordinary tape operations, so it can be differentiated again, to any order.
internal sealed partial class TensorTape<T>
{
    /// <summary>
    /// Records <c>∂y/∂w</c> for each node w of <paramref name="wrt"/> (y = node <paramref name="y"/>, one
    /// element), walking back from y and recording the VJP of every node that lies between a w and y.
    /// A w that y does not depend on gets zeros.
    /// </summary>
    public Var<T>[] Differentiate(int y, ReadOnlySpan<int> wrt)
    {
        int lo = y;
        foreach (int w in wrt) lo = Math.Min(lo, w);
        var marks = ArrayPool<bool>.Shared.Rent(y + 1);
        var adjoints = ArrayPool<Var<T>>.Shared.Rent(y + 1);
        Var<T>[] small = ArrayPool<Var<T>>.Shared.Rent(2);
        try
        {
            Array.Clear(marks, 0, y + 1);
            Array.Clear(adjoints, 0, y + 1);
            foreach (int w in wrt) if (w <= y) marks[w] = true;
            MarkDependents(marks, lo, y);
            if (marks[y]) adjoints[y] = Full(ShapeOf(y), T.One);
            Span<int> pair = stackalloc int[2];
            Span<bool> needed2 = stackalloc bool[2];
            for (int i = y; i > lo; i--)
            {
                var gy = adjoints[i];
                if (!marks[i] || gy.IsDefault) continue;
                var inputs = GradInputs(i, pair);
                if (inputs.IsEmpty) continue;
                bool[]? neededArray = inputs.Length > 2 ? ArrayPool<bool>.Shared.Rent(inputs.Length) : null;
                Var<T>[] grads = inputs.Length > 2 ? ArrayPool<Var<T>>.Shared.Rent(inputs.Length) : small;
                try
                {
                    var needed = neededArray is null ? needed2[..inputs.Length] : neededArray.AsSpan(0, inputs.Length);
                    bool any = false;
                    for (int k = 0; k < inputs.Length; k++)
                    {
                        needed[k] = marks[inputs[k]];
                        any |= needed[k];
                        grads[k] = default;
                    }
                    if (!any) continue;
                    TensorRules<T>.Of(Nodes[i].Op).Vjp(this, i, gy, needed, grads.AsSpan(0, inputs.Length));
                    for (int k = 0; k < inputs.Length; k++)
                    {
                        if (needed[k]) adjoints[inputs[k]] = TensorRule<T>.SumOfTerms(adjoints[inputs[k]], grads[k]);
                    }
                }
                finally
                {
                    if (neededArray is not null) ArrayPool<bool>.Shared.Return(neededArray);
                    if (grads != small) ArrayPool<Var<T>>.Shared.Return(grads, clearArray: true);
                }
            }
            var result = new Var<T>[wrt.Length];
            for (int k = 0; k < wrt.Length; k++)
                result[k] = wrt[k] <= y && !adjoints[wrt[k]].IsDefault ? adjoints[wrt[k]] : Full(ShapeOf(wrt[k]), T.Zero);
            return result;
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(marks);
            ArrayPool<Var<T>>.Shared.Return(adjoints, clearArray: true);
            ArrayPool<Var<T>>.Shared.Return(small, clearArray: true);
        }
    }

    /// <summary>Marks every node in (lo, top] that needs a gradient and reads a marked node.</summary>
    private void MarkDependents(bool[] marks, int lo, int top)
    {
        Span<int> pair = stackalloc int[2];
        for (int i = lo + 1; i <= top; i++)
        {
            if (marks[i] || !Nodes[i].RequiresGrad) continue;
            foreach (int input in GradInputs(i, pair))
                if (marks[input]) { marks[i] = true; break; }
        }
    }

    /// <summary>
    /// Forward mode: pushes the tangents <paramref name="seedTangents"/> of the nodes <paramref name="seeds"/>
    /// through every later node that one of <paramref name="targets"/> depends on, recording each one's tangent rule.
    /// Returns the tangents by node (default where zero or not needed); the caller returns the array to
    /// <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    public Var<T>[] PushTangents(ReadOnlySpan<int> seeds, ReadOnlySpan<Var<T>> seedTangents, ReadOnlySpan<int> targets)
    {
        int top = 0;
        foreach (int target in targets) top = Math.Max(top, target);
        var tangents = ArrayPool<Var<T>>.Shared.Rent(top + 1);
        Array.Clear(tangents, 0, top + 1);
        int lo = top;
        for (int k = 0; k < seeds.Length; k++)
        {
            if (seeds[k] > top) continue;
            tangents[seeds[k]] = seedTangents[k];
            lo = Math.Min(lo, seeds[k]);
        }
        var needed = Needed(seeds, targets, lo, top);
        Var<T>[] small = ArrayPool<Var<T>>.Shared.Rent(2);
        Span<int> pair = stackalloc int[2];
        try
        {
            for (int i = lo + 1; i <= top; i++)
            {
                if (!needed[i]) continue;
                var inputs = GradInputs(i, pair);
                if (inputs.IsEmpty) continue;
                Var<T>[] dots = inputs.Length > 2 ? ArrayPool<Var<T>>.Shared.Rent(inputs.Length) : small;
                try
                {
                    bool any = false;
                    for (int k = 0; k < inputs.Length; k++)
                    {
                        dots[k] = tangents[inputs[k]];
                        any |= !dots[k].IsDefault;
                    }
                    if (any) tangents[i] = TensorRules<T>.Of(Nodes[i].Op).Jvp(this, i, dots.AsSpan(0, inputs.Length));
                }
                finally
                {
                    if (dots != small) ArrayPool<Var<T>>.Shared.Return(dots, clearArray: true);
                }
            }
            return tangents;
        }
        finally
        {
            ArrayPool<Var<T>>.Shared.Return(small, clearArray: true);
            ArrayPool<bool>.Shared.Return(needed);
        }
    }

    /// <summary>
    /// The nodes in (lo, top] whose tangent the forward walk must compute: those the targets depend on
    /// (a Hessian-vector product needs no tangent of the loss itself), except the seeds.
    /// </summary>
    private bool[] Needed(ReadOnlySpan<int> seeds, ReadOnlySpan<int> targets, int lo, int top)
    {
        var needed = ArrayPool<bool>.Shared.Rent(top + 1);
        Array.Clear(needed, 0, top + 1);
        foreach (int target in targets) needed[target] = true;
        Span<int> pair = stackalloc int[2];
        for (int i = top; i > lo; i--)
            if (needed[i])
                foreach (int input in GradInputs(i, pair)) needed[input] = true;
        foreach (int seed in seeds) if (seed <= top) needed[seed] = false;
        return needed;
    }
}
