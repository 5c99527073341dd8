using System.Buffers;

namespace AutoDiff;

// The two walks behind higher-order derivatives of scalars, recording with the rows of ScalarRules: the
// reverse walk x̄ₖ += ȳ·∂y/∂xₖ, the forward walk ẏ = Σₖ ẋₖ·∂y/∂xₖ. What they record is ordinary scalar
// operations, so it can be differentiated again.
internal sealed partial class ScalarTape
{
    /// <summary>Records <c>∂y/∂w</c> for each node w of <paramref name="wrt"/>, walking back from node <paramref name="y"/>.</summary>
    public Scalar[] Differentiate(int y, ReadOnlySpan<int> wrt)
    {
        int lo = y;
        foreach (int w in wrt) lo = Math.Min(lo, w);
        var marks = ArrayPool<bool>.Shared.Rent(y + 1);
        var adjoints = ArrayPool<Scalar>.Shared.Rent(y + 1);
        try
        {
            Array.Clear(marks, 0, y + 1);
            Array.Clear(adjoints, 0, y + 1);
            foreach (int w in wrt) if (w <= y) marks[w] = true;
            Span<int> pair = stackalloc int[2];
            for (int i = lo + 1; i <= y; i++)
            {
                if (marks[i]) continue;
                foreach (int input in InputsOf(i, pair))
                    if (marks[input]) { marks[i] = true; break; }
            }
            if (marks[y]) adjoints[y] = PushInput(ScalarOp.Constant, 1.0);
            for (int i = y; i > lo; i--)
            {
                var gy = adjoints[i];
                if (!marks[i] || gy.IsDefault) continue;
                var inputs = InputsOf(i, pair);
                for (int k = 0; k < inputs.Length; k++)
                {
                    int input = inputs[k];
                    if (!marks[input]) continue;
                    var contribution = ScalarRules.Partial(this, i, k).Apply(gy);
                    if (contribution.IsDefault) continue;
                    adjoints[input] = adjoints[input].IsDefault ? contribution : adjoints[input] + contribution;
                }
            }
            var result = new Scalar[wrt.Length];
            for (int k = 0; k < wrt.Length; k++)
                result[k] = wrt[k] <= y && !adjoints[wrt[k]].IsDefault ? adjoints[wrt[k]] : PushInput(ScalarOp.Constant, 0.0);
            return result;
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(marks);
            ArrayPool<Scalar>.Shared.Return(adjoints, clearArray: true);
        }
    }

    /// <summary>
    /// Forward mode: pushes the tangents <paramref name="seedTangents"/> of the nodes <paramref name="seeds"/>
    /// through every later node that one of <paramref name="targets"/> depends on. Returns the tangents by node (default
    /// where zero or not needed); the caller returns the array to <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    public Scalar[] PushTangents(ReadOnlySpan<int> seeds, ReadOnlySpan<Scalar> seedTangents, ReadOnlySpan<int> targets)
    {
        int top = 0;
        foreach (int target in targets) top = Math.Max(top, target);
        var tangents = ArrayPool<Scalar>.Shared.Rent(top + 1);
        Array.Clear(tangents, 0, top + 1);
        int lo = top;
        for (int k = 0; k < seeds.Length; k++)
        {
            if (seeds[k] > top) continue;
            tangents[seeds[k]] = seedTangents[k];
            lo = Math.Min(lo, seeds[k]);
        }
        // the nodes the targets depend on, except the seeds: only their tangents are needed
        var needed = ArrayPool<bool>.Shared.Rent(top + 1);
        Array.Clear(needed, 0, top + 1);
        foreach (int target in targets) needed[target] = true;
        Span<int> pair = stackalloc int[2];
        for (int i = top; i > lo; i--)
            if (needed[i])
                foreach (int input in InputsOf(i, pair)) needed[input] = true;
        foreach (int seed in seeds) if (seed <= top) needed[seed] = false;
        try
        {
            for (int i = lo + 1; i <= top; i++)
            {
                if (!needed[i]) continue;
                var inputs = InputsOf(i, pair);
                Scalar sum = default;
                for (int k = 0; k < inputs.Length; k++)
                {
                    var dot = tangents[inputs[k]];
                    if (dot.IsDefault) continue;
                    var term = ScalarRules.Partial(this, i, k).Apply(dot);
                    if (!term.IsDefault) sum = sum.IsDefault ? term : sum + term;
                }
                tangents[i] = sum;
            }
            return tangents;
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(needed);
        }
    }
}
