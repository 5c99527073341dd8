using System.Numerics;
using AutoDiff.Kernels;

namespace AutoDiff;

/// <summary>One factor of an element-wise partial derivative (see <see cref="Partial"/>).</summary>
internal enum Factor : byte
{
    /// <summary>1.</summary>
    One,
    /// <summary>The first operand a.</summary>
    A,
    /// <summary>The second operand b.</summary>
    B,
    /// <summary>The output y (reused, as exp and division do).</summary>
    Out,
    /// <summary>The op's constant α (Scale).</summary>
    Alpha,
    /// <summary>The constant mask [a ≥ b] (max's gradient goes to a on ties).</summary>
    AGeB,
    /// <summary>The constant mask [a &lt; b].</summary>
    ALtB,
    /// <summary>The constant mask [a ≤ b] (min's gradient goes to a on ties).</summary>
    ALeB,
    /// <summary>The constant mask [a &gt; b].</summary>
    AGtB,
}

/// <summary>
/// ∂y/∂x of an element-wise primitive as <c>±Times / Over</c>: every element-wise row states its partials
/// this way, and <see cref="PartialRules"/> turns them into its fused backward, its VJP and its JVP.
/// </summary>
internal readonly record struct Partial(Factor Times = Factor.One, Factor Over = Factor.One, bool Negate = false);

/// <summary>
/// The one driver of the element-wise rows: from a <see cref="Partial"/> it gives the fused first-order
/// update <c>x̄ += reduce(ȳ·∂y/∂x)</c> (reduce: sum over the axes x was broadcast along), the same in
/// tape operations (VJP) and the tangent term <c>ẋ·∂y/∂x</c> (JVP).
/// </summary>
internal static class PartialRules
{
    /// <summary>Fused: <c>x̄ += reduce(g·p)</c> for the input node <paramref name="input"/> of node <paramref name="self"/>.</summary>
    public static void Backward<T>(TensorTape<T> t, ref TensorNode<T> n, int self, int input, Partial p, ReadOnlySpan<T> g)
        where T : IFloatingPointIeee754<T>
    {
        if (!t.RequiresGrad(input)) return;
        Shape so = n.Shape, si = t.ShapeOf(input);
        bool full = si.Length == so.Length;
        if (p.Over == Factor.One && p.Times is Factor.One or Factor.Alpha) // a constant partial: ±1 or ±α
        {
            T c = p.Times == Factor.Alpha ? n.Alpha : T.One;
            if (p.Negate) c = -c;
            if (full) t.AddGradScaled(input, g, c);
            else if (c == T.One) Broadcast.AccumulateReduced(so, g, si, t.AdjointToAdd(input));
            else
            {
                var scaled = t.Scratch(so.Length);
                SpanMath.Multiply(g, c, scaled);
                Broadcast.AccumulateReduced(so, scaled, si, t.AdjointToAdd(input));
            }
            return;
        }
        if (full && !p.Negate && p.Over == Factor.One && p.Times is Factor.A or Factor.B or Factor.Out)
        {
            var f = t.ValueOf(Operand(ref n, self, p.Times)); // x̄ (+)= g·f in one pass, f full-size or one value
            if (f.Length == g.Length) { t.AddGradProduct(input, g, f, T.One); return; }
            if (f.Length == 1) { t.AddGradScaled(input, g, f[0]); return; }
        }
        if (full && !p.Negate && p.Times == Factor.One && p.Over is Factor.A or Factor.B or Factor.Out)
        {
            var f = t.ValueOf(Operand(ref n, self, p.Over)); // x̄ (+)= g/f in one pass when this is its first contribution
            if (f.Length == g.Length)
            {
                var d = t.AdjointToWrite(input, out bool first);
                if (first) { SpanMath.Divide(g, f, d); return; }
                var quotient = t.Scratch(g.Length);
                SpanMath.Divide(g, f, quotient);
                SpanMath.Add(d, quotient, d);
                return;
            }
        }
        // General: tmp = ±g·times/over at y's shape, then summed onto the input's shape.
        var tmp = t.Scratch(so.Length);
        ReadOnlySpan<T> c2 = g;
        switch (p.Times)
        {
            case Factor.One: break;
            case Factor.Alpha: SpanMath.Multiply(c2, n.Alpha, tmp); c2 = tmp; break;
            case Factor.AGeB or Factor.ALtB:
                Broadcast.Binary<T, GreaterOrEqualMaskKernel<T>>(t.ShapeOf(n.A), t.ValueOf(n.A), t.ShapeOf(n.B), t.ValueOf(n.B), so, tmp);
                if (p.Times == Factor.ALtB) SpanMath.Subtract(T.One, tmp, tmp);
                SpanMath.Multiply(tmp, g, tmp);
                c2 = tmp;
                break;
            case Factor.ALeB or Factor.AGtB:
                Broadcast.Binary<T, GreaterOrEqualMaskKernel<T>>(t.ShapeOf(n.B), t.ValueOf(n.B), t.ShapeOf(n.A), t.ValueOf(n.A), so, tmp);
                if (p.Times == Factor.AGtB) SpanMath.Subtract(T.One, tmp, tmp);
                SpanMath.Multiply(tmp, g, tmp);
                c2 = tmp;
                break;
            default:
            {
                int f = Operand(ref n, self, p.Times);
                Broadcast.Binary<T, MultiplyKernel<T>>(so, c2, t.ShapeOf(f), t.ValueOf(f), so, tmp);
                c2 = tmp;
                break;
            }
        }
        if (p.Over != Factor.One)
        {
            int f = Operand(ref n, self, p.Over);
            Broadcast.Binary<T, DivideKernel<T>>(so, c2, t.ShapeOf(f), t.ValueOf(f), so, tmp);
            c2 = tmp;
        }
        if (p.Negate)
        {
            SpanMath.Negate(c2, tmp);
            c2 = tmp;
        }
        Broadcast.AccumulateReduced(so, c2, si, t.AdjointToAdd(input));
    }

    private static int Operand<T>(ref TensorNode<T> n, int self, Factor f) => f switch
    {
        Factor.A => n.A,
        Factor.B => n.B,
        Factor.Out => self,
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "not an operand"),
    };

    /// <summary>In tape operations: <c>reduce(ȳ·p)</c>, with the shape of the input node <paramref name="input"/>.</summary>
    public static Var<T> Vjp<T>(TensorTape<T> t, int self, int input, Partial p, Var<T> gy) where T : IFloatingPointIeee754<T>
        => ReductionOps.SumTo(Times(t, self, p, gy), t.ShapeOf(input));

    /// <summary>In tape operations: the tangent term <c>ẋ·p</c> (at the broadcast of ẋ's and p's shapes).</summary>
    public static Var<T> Jvp<T>(TensorTape<T> t, int self, Partial p, Var<T> tangent) where T : IFloatingPointIeee754<T>
        => Times(t, self, p, tangent);

    // v·(±times/over), recorded
    private static Var<T> Times<T>(TensorTape<T> t, int self, Partial p, Var<T> v) where T : IFloatingPointIeee754<T>
    {
        bool negate = p.Negate;
        switch (p.Times)
        {
            case Factor.One: break;
            case Factor.Alpha:
                v = ArithmeticOps.Unary<T, ScaleOp<T>>(v, negate ? -t.Nodes[self].Alpha : t.Nodes[self].Alpha);
                negate = false;
                break;
            default: v *= FactorVar(t, self, p.Times); break;
        }
        if (p.Over != Factor.One) v /= FactorVar(t, self, p.Over);
        return negate ? -v : v;
    }

    private static Var<T> FactorVar<T>(TensorTape<T> t, int self, Factor f) where T : IFloatingPointIeee754<T>
    {
        var a = t.VarOf(t.Nodes[self].A);
        return f switch
        {
            Factor.A => a,
            Factor.B => t.VarOf(t.Nodes[self].B),
            Factor.Out => t.VarOf(self),
            Factor.AGeB => SelectionOps.Mask<T, GreaterOrEqualMaskKernel<T>>(a, t.VarOf(t.Nodes[self].B)),
            Factor.ALtB => SelectionOps.Mask<T, GreaterMaskKernel<T>>(t.VarOf(t.Nodes[self].B), a),
            Factor.ALeB => SelectionOps.Mask<T, GreaterOrEqualMaskKernel<T>>(t.VarOf(t.Nodes[self].B), a),
            Factor.AGtB => SelectionOps.Mask<T, GreaterMaskKernel<T>>(a, t.VarOf(t.Nodes[self].B)),
            _ => throw new ArgumentOutOfRangeException(nameof(f), f, "not a tensor factor"),
        };
    }
}
