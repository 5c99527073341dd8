using System.Numerics;

namespace AutoDiff;

// Gradients as values on the tape (higher order): the public entry points of the walks in
// TensorTape.HigherOrder.cs and ScalarTape.HigherOrder.cs.
public sealed partial class Tape
{
    /// <summary>
    /// <c>∂y/∂w</c> for each w in <paramref name="wrt"/> (each of w's shape), recorded on this tape as
    /// tensors rather than computed as numbers: each gradient is itself differentiable, to any order (pass
    /// it to <c>Differentiate</c> again, or build a loss from it and call <see cref="Backward{T}(Var{T})"/>,
    /// as a physics-informed network does with ∂²u/∂x²). It records each operation's vector-Jacobian
    /// product from the gradient table; a w that <paramref name="y"/> does not depend on gets zeros. For
    /// plain first-order gradients <see cref="Backward{T}(Var{T})"/> is faster. Inside <see cref="NoGrad"/>
    /// the gradients are constants.
    /// </summary>
    /// <param name="y">A one-element output (reduce a larger one first, for example with <c>Sum()</c>).</param>
    /// <param name="wrt">Values on this tape that need gradients (tracked leaves, or values computed from them).</param>
    /// <exception cref="InvalidOperationException">y has more than one element, or is not a live value of this tape.</exception>
    /// <exception cref="ArgumentException">A w is default, from another tape, from before the last <see cref="Reset"/>, or a constant.</exception>
    /// <exception cref="NotSupportedException">The derivative goes through an operation known to first order only (named in the message).</exception>
    public Var<T>[] Differentiate<T>(Var<T> y, params Var<T>[] wrt) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(wrt);
        var t = CheckLive(y, "The output y");
        if (t.ShapeOf(y.Index).Length != 1)
            throw new InvalidOperationException(
                $"Differentiate needs a one-element output y, but y has shape {t.ShapeOf(y.Index)}; reduce it first (for example y.Sum()).");
        var nodes = new int[wrt.Length];
        for (int k = 0; k < wrt.Length; k++)
        {
            try { CheckLive(wrt[k], $"wrt[{k}]"); }
            catch (InvalidOperationException e) { throw new ArgumentException(e.Message, nameof(wrt)); }
            nodes[k] = wrt[k].Index;
            if (!t.RequiresGrad(nodes[k]))
                throw new ArgumentException($"wrt[{k}] needs no gradient: it is a constant (Constant, Detach, NoGrad) or computed from constants only; " +
                    "put it on the tape with Track.", nameof(wrt));
        }
        return t.Differentiate(y.Index, nodes);
    }

    /// <summary>
    /// <c>∂y/∂w</c> for each w in <paramref name="wrt"/>, recorded on this tape as scalars rather than
    /// computed as numbers: each gradient is itself differentiable, to any order (pass it to
    /// <c>Differentiate</c> again, or build a function of it and call <see cref="Backward(Scalar)"/>).
    /// It records each op's partials from the gradient table (<c>x̄ₖ += ȳ·∂y/∂xₖ</c>); a w that
    /// <paramref name="y"/> does not depend on gets 0. For plain gradients <see cref="Backward(Scalar)"/>
    /// is faster. Inside <see cref="NoGrad"/> the gradients are constants.
    /// </summary>
    /// <exception cref="ArgumentException">A w is default, from another tape or from before the last <see cref="Reset"/>.</exception>
    /// <exception cref="NotSupportedException">The derivative goes through an op known to first order only (named in the message).</exception>
    public Scalar[] Differentiate(Scalar y, params Scalar[] wrt)
    {
        ArgumentNullException.ThrowIfNull(wrt);
        Scalars.Check(y, "The output y");
        var nodes = new int[wrt.Length];
        for (int k = 0; k < wrt.Length; k++)
        {
            try { Scalars.Check(wrt[k], $"wrt[{k}]"); }
            catch (InvalidOperationException e) { throw new ArgumentException(e.Message, nameof(wrt)); }
            nodes[k] = wrt[k].Index;
        }
        return Scalars.Differentiate(y.Index, nodes);
    }

    /// <summary>The tape section of a live value of this tape, or an error naming <paramref name="what"/>.</summary>
    internal TensorTape<T> CheckLive<T>(Var<T> v, string what) where T : IFloatingPointIeee754<T>
    {
        if (v.Tape is null) throw new InvalidOperationException($"{what} is default-initialised: it belongs to no tape.");
        if (v.Tape != this) throw new InvalidOperationException($"{what} was recorded on another tape.");
        if (v.Generation != Generation)
            throw new InvalidOperationException($"{what} was recorded before Reset() (generation {v.Generation}; the tape is at generation {Generation}).");
        return Tensors<T>();
    }
}
