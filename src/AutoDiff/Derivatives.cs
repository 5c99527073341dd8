using System.Buffers;
using System.Numerics;

namespace AutoDiff;

/// <summary>
/// Derivatives of a function <c>f: ℝⁿ → ℝᵐ</c> given as code that records on a tape (<c>(tape, x) =&gt; …</c>),
/// at a point x, in the style of JAX's <c>grad</c>, <c>jvp</c>, <c>vjp</c>, <c>jacfwd</c>/<c>jacrev</c> and
/// <c>hessian</c>: the gradient, Jacobian-vector and vector-Jacobian products, the Jacobian, the Hessian
/// and Hessian-vector products. Forward mode pushes tangents through every primitive with its tangent rule
/// (no second reverse sweep); a Hessian-vector product is forward-over-reverse: the gradient is recorded on
/// the tape (<see cref="Tape.Differentiate{T}(Var{T}, Var{T}[])"/>) and a tangent pushed through it, for
/// about the cost of a few gradients. Each call records on a tape of its own (reused per thread) and
/// returns fresh tensors; x is read, not changed.
/// </summary>
public static partial class Derivatives
{
    /// <summary>∇f(x) = ∂f/∂x, of x's shape, for an f that returns one element (reverse mode).</summary>
    /// <exception cref="ArgumentException">f returns more than one element, or a value that is not from its tape.</exception>
    public static Tensor<T> Gradient<T>(Func<Tape, Var<T>, Var<T>> f, Tensor<T> x) where T : IFloatingPointIeee754<T>
    {
        using var run = Run<T>.Record(f, x, "Gradient", scalarOutput: true);
        run.Tape.Backward(run.Y);
        return run.X.GradTensor();
    }

    /// <summary>
    /// Forward mode: <c>f(x)</c> and the Jacobian-vector product <c>J·v = d/dt f(x + t·v)</c> at t = 0 (of
    /// f(x)'s shape), by pushing the tangent v through every recorded primitive with its tangent rule.
    /// </summary>
    /// <exception cref="ShapeMismatchException">v does not have x's shape.</exception>
    public static (Tensor<T> Value, Tensor<T> Tangent) Jvp<T>(Func<Tape, Var<T>, Var<T>> f, Tensor<T> x, Tensor<T> v) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(v);
        if (x is not null && v.Shape != x.Shape) throw new ShapeMismatchException("Jvp", x.Shape, v.Shape, "the tangent v must have x's shape");
        using var run = Run<T>.Record(f, x!, "Jvp", scalarOutput: false);
        using (run.Tape.NoGrad())
            return (run.Y.ToTensor(), run.Tangent(v, run.Y.Index));
    }

    /// <summary>Reverse mode: <c>f(x)</c> and the vector-Jacobian product <c>uᵀ·J</c> (of x's shape) for a cotangent u of f(x)'s shape.</summary>
    /// <exception cref="ShapeMismatchException">u does not have f(x)'s shape.</exception>
    public static (Tensor<T> Value, Tensor<T> Cotangent) Vjp<T>(Func<Tape, Var<T>, Var<T>> f, Tensor<T> x, Tensor<T> u) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(u);
        using var run = Run<T>.Record(f, x, "Vjp", scalarOutput: false);
        if (u.Shape != run.Y.Shape) throw new ShapeMismatchException("Vjp", run.Y.Shape, u.Shape, "the cotangent u must have f(x)'s shape");
        run.Tape.Backward(run.Y, u);
        return (run.Y.ToTensor(), run.X.GradTensor());
    }

    /// <summary>
    /// The Jacobian <c>J[i, j] = ∂f(x)ᵢ/∂xⱼ</c>, shape <c>[f(x).Length, x.Length]</c> (both flattened row-major):
    /// by reverse sweeps, one per output, when there are no more outputs than inputs, else by forward
    /// tangents, one per input.
    /// </summary>
    public static Tensor<T> Jacobian<T>(Func<Tape, Var<T>, Var<T>> f, Tensor<T> x) where T : IFloatingPointIeee754<T>
    {
        using var run = Run<T>.Record(f, x, "Jacobian", scalarOutput: false);
        int m = run.Y.Shape.Length, n = x.Length;
        var jacobian = new Tensor<T>(new Shape(m, n));
        var J = jacobian.Span;
        if (m <= n)
        {
            var seed = new Tensor<T>(run.Y.Shape);
            for (int i = 0; i < m; i++)
            {
                seed.Span[i] = T.One;
                run.Tape.Backward(run.Y, seed);
                seed.Span[i] = T.Zero;
                run.X.Grad.CopyTo(J.Slice(i * n, n));
            }
        }
        else
        {
            var e = new Tensor<T>(x.Shape);
            using (run.Tape.NoGrad())
                for (int j = 0; j < n; j++)
                {
                    e.Span[j] = T.One;
                    var column = run.Tangent(e, run.Y.Index).Span;
                    e.Span[j] = T.Zero;
                    for (int i = 0; i < m; i++) J[i * n + j] = column[i];
                }
        }
        return jacobian;
    }

    /// <summary>
    /// The Hessian <c>H[i, j] = ∂²f/∂xᵢ∂xⱼ</c>, shape <c>[x.Length, x.Length]</c>, for an f that returns one
    /// element: the gradient recorded once, then one forward tangent through it per input (column j is
    /// <c>H·eⱼ</c>).
    /// </summary>
    public static Tensor<T> Hessian<T>(Func<Tape, Var<T>, Var<T>> f, Tensor<T> x) where T : IFloatingPointIeee754<T>
    {
        using var run = Run<T>.Record(f, x, "Hessian", scalarOutput: true);
        var g = run.Tape.Differentiate(run.Y, run.X)[0];
        int n = x.Length;
        var hessian = new Tensor<T>(new Shape(n, n));
        var H = hessian.Span;
        var e = new Tensor<T>(x.Shape);
        using (run.Tape.NoGrad())
            for (int j = 0; j < n; j++)
            {
                e.Span[j] = T.One;
                var column = run.Tangent(e, g.Index).Span;
                e.Span[j] = T.Zero;
                for (int i = 0; i < n; i++) H[i * n + j] = column[i];
            }
        return hessian;
    }

    /// <summary>
    /// The Hessian-vector product <c>H·v = d/dt ∇f(x + t·v)</c> at t = 0, of x's shape, for an f that returns
    /// one element, by forward-over-reverse: the gradient is recorded on the tape, then the tangent v is
    /// pushed through it. It never forms H.
    /// </summary>
    /// <exception cref="ShapeMismatchException">v does not have x's shape.</exception>
    public static Tensor<T> Hvp<T>(Func<Tape, Var<T>, Var<T>> f, Tensor<T> x, Tensor<T> v) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(v);
        if (x is not null && v.Shape != x.Shape) throw new ShapeMismatchException("Hvp", x.Shape, v.Shape, "the vector v must have x's shape");
        using var run = Run<T>.Record(f, x!, "Hvp", scalarOutput: true);
        var g = run.Tape.Differentiate(run.Y, run.X)[0];
        using (run.Tape.NoGrad())
            return run.Tangent(v, g.Index);
    }

    /// <summary>
    /// ∂f/∂xₖ for each of several inputs (a network's parameter tensors, say), each of its input's shape,
    /// for an f that returns one element (reverse mode).
    /// </summary>
    public static Tensor<T>[] Gradient<T>(Func<Tape, Var<T>[], Var<T>> f, Tensor<T>[] x) where T : IFloatingPointIeee754<T>
    {
        using var run = Run<T>.Record(f, x, "Gradient", scalarOutput: true);
        run.Tape.Backward(run.Y);
        return run.Xs.Select(xv => xv.GradTensor()).ToArray();
    }

    /// <summary>
    /// Forward mode for several inputs: <c>f(x)</c> and <c>Σₖ Jₖ·vₖ</c>, the derivative of f along the
    /// direction v = (v₀, v₁, …) (one tensor per input, each of its input's shape).
    /// </summary>
    /// <exception cref="ArgumentException">v does not have one tensor per input.</exception>
    /// <exception cref="ShapeMismatchException">A vₖ does not have xₖ's shape.</exception>
    public static (Tensor<T> Value, Tensor<T> Tangent) Jvp<T>(Func<Tape, Var<T>[], Var<T>> f, Tensor<T>[] x, Tensor<T>[] v) where T : IFloatingPointIeee754<T>
    {
        CheckDirections(x, v, "Jvp");
        using var run = Run<T>.Record(f, x, "Jvp", scalarOutput: false);
        using (run.Tape.NoGrad())
            return (run.Y.ToTensor(), run.Tangents(v, [run.Y.Index])[0]);
    }

    /// <summary>
    /// The Hessian-vector product for several inputs: with H the Hessian of f with respect to all of
    /// them and v = (v₀, v₁, …) one direction per input (each of its input's shape), returns H·v split the
    /// same way, by forward-over-reverse.
    /// </summary>
    /// <exception cref="ArgumentException">v does not have one tensor per input.</exception>
    /// <exception cref="ShapeMismatchException">A vₖ does not have xₖ's shape.</exception>
    public static Tensor<T>[] Hvp<T>(Func<Tape, Var<T>[], Var<T>> f, Tensor<T>[] x, Tensor<T>[] v) where T : IFloatingPointIeee754<T>
    {
        CheckDirections(x, v, "Hvp");
        using var run = Run<T>.Record(f, x, "Hvp", scalarOutput: true);
        var g = run.Tape.Differentiate(run.Y, run.Xs);
        using (run.Tape.NoGrad())
            return run.Tangents(v, g.Select(gk => gk.Index).ToArray());
    }

    private static void CheckDirections<T>(Tensor<T>[] x, Tensor<T>[] v, string what) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(v);
        if (v.Length != x.Length) throw new ArgumentException($"{what}: {v.Length} direction(s) for {x.Length} input(s); give one per input.", nameof(v));
        for (int k = 0; k < v.Length; k++)
        {
            if (v[k] is null) throw new ArgumentNullException(nameof(v), $"{what}: v[{k}] is null.");
            if (x[k] is not null && v[k].Shape != x[k].Shape)
                throw new ShapeMismatchException(what, x[k].Shape, v[k].Shape, $"the direction v[{k}] must have x[{k}]'s shape");
        }
    }

    /// <summary>One recording of f at x (one tensor or several) on a per-thread tape (a fresh one when the thread's is in use).</summary>
    private readonly struct Run<T> : IDisposable where T : IFloatingPointIeee754<T>
    {
        public readonly Tape Tape;
        public readonly Var<T>[] Xs;
        public readonly Var<T> Y;

        private Run(Tape tape, Var<T>[] xs, Var<T> y) => (Tape, Xs, Y) = (tape, xs, y);

        public Var<T> X => Xs[0];

        public static Run<T> Record(Func<Tape, Var<T>, Var<T>> f, Tensor<T> x, string what, bool scalarOutput)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentNullException.ThrowIfNull(x);
            return Record((tape, xs) => f(tape, xs[0]), [x], what, scalarOutput);
        }

        public static Run<T> Record(Func<Tape, Var<T>[], Var<T>> f, Tensor<T>[] x, string what, bool scalarOutput)
        {
            ArgumentNullException.ThrowIfNull(f);
            ArgumentNullException.ThrowIfNull(x);
            for (int k = 0; k < x.Length; k++)
                if (x[k] is null) throw new ArgumentNullException(nameof(x), $"{what}: x[{k}] is null.");
            var tape = TapePool.Rent();
            try
            {
                var xv = new Var<T>[x.Length];
                for (int k = 0; k < x.Length; k++) xv[k] = tape.Track(x[k]);
                var y = f(tape, xv);
                try { tape.CheckLive(y, "The value f returned"); }
                catch (InvalidOperationException e) { throw new ArgumentException($"{what}: {e.Message} Return a value recorded on the tape f is given.", nameof(f)); }
                if (scalarOutput && y.Shape.Length != 1)
                    throw new ArgumentException($"{what} needs f to return one element, but it returned shape {y.Shape}; reduce it (for example with Sum()), " +
                        "or use Jacobian, Jvp or Vjp for a vector output.", nameof(f));
                return new Run<T>(tape, xv, y);
            }
            catch
            {
                TapePool.Return(tape);
                throw;
            }
        }

        /// <summary>The tangent of node <paramref name="node"/> for the tangent <paramref name="v"/> of x (zeros if it does not depend on x); scratch nodes are dropped.</summary>
        public Tensor<T> Tangent(Tensor<T> v, int node) => Tangents([v], [node])[0];

        /// <summary>The tangents of <paramref name="nodes"/> for the tangents <paramref name="v"/> of the inputs; scratch nodes are dropped.</summary>
        public Tensor<T>[] Tangents(Tensor<T>[] v, int[] nodes)
        {
            var t = Tape.Tensors<T>();
            int mark = t.Count;
            var seeds = new int[Xs.Length];
            var dots = new Var<T>[Xs.Length];
            for (int k = 0; k < Xs.Length; k++)
            {
                seeds[k] = Xs[k].Index;
                dots[k] = Tape.Constant(v[k]);
            }
            var tangents = t.PushTangents(seeds, dots, nodes);
            try
            {
                var result = new Tensor<T>[nodes.Length];
                for (int k = 0; k < nodes.Length; k++)
                {
                    var shape = t.ShapeOf(nodes[k]);
                    var tangent = tangents[nodes[k]];
                    result[k] = tangent.IsDefault ? new Tensor<T>(shape) : new Tensor<T>(tangent.Value.ToArray(), shape);
                }
                return result;
            }
            finally
            {
                ArrayPool<Var<T>>.Shared.Return(tangents, clearArray: true);
                t.Truncate(mark);
            }
        }

        public void Dispose() => TapePool.Return(Tape);
    }

    /// <summary>One reusable tape per thread: repeated calls (a Newton solver's Hessian-vector products) record without allocating node storage again.</summary>
    private static class TapePool
    {
        [ThreadStatic] private static Tape? cached;
        [ThreadStatic] private static bool inUse;

        public static Tape Rent()
        {
            if (inUse) return new Tape(); // a derivative inside f: a tape of its own
            inUse = true;
            cached ??= new Tape();
            cached.Reset();
            return cached;
        }

        public static void Return(Tape tape)
        {
            if (tape != cached) return;
            tape.Reset();
            inUse = false;
        }
    }
}
