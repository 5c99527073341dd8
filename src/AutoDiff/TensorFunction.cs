using System.Numerics;

namespace AutoDiff;

/// <summary>
/// A user-defined tensor primitive <c>y = f(x₀, …, xₙ₋₁)</c>: its output shape, its forward pass and its
/// vector-Jacobian product, recorded on a tape as one operation with
/// <see cref="Var.Function{T}(TensorFunction{T}, ReadOnlySpan{Var{T}})"/>. Use it for an operation the
/// tape lacks or for a whole function fused into one kernel (a learnable-parameter activation, say).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Backward"/> is the first-order rule: <c>x̄ₖ += (∂y/∂xₖ)ᵀ·ȳ</c>, accumulated into the
/// inputs' adjoint buffers. It is all that <see cref="Tape.Backward{T}(Var{T})"/> needs.
/// </para>
/// <para>
/// Derivatives of higher order (<c>Tape.Differentiate</c>, Hessians, Hessian-vector products) need the
/// same rule written in tape operations, so that it can itself be differentiated: override
/// <see cref="TryVjp"/>. Forward mode (Jacobian-vector products, and the forward-over-reverse
/// Hessian-vector product) needs a tangent rule: override <see cref="TryJvp"/>. Without them the
/// function still takes part in first-order gradients (the tape records its <see cref="Backward"/>
/// result as a value), and a derivative of second or higher order through it throws
/// <see cref="NotSupportedException"/> naming <see cref="Name"/>.
/// </para>
/// <para>
/// Implementations must not record on the tape inside <see cref="OutputShape"/>, <see cref="Forward"/>
/// or <see cref="Backward"/> (the tape checks). To record without allocating, return an input's shape
/// (or a <see cref="Shape"/> kept in a field) from <see cref="OutputShape"/>: the tape then allocates
/// nothing per call after its first recording.
/// </para>
/// </remarks>
/// <typeparam name="T">The element type (float or double).</typeparam>
public abstract class TensorFunction<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>The function's name, used in error messages, anomaly reports and graph exports.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The shape of <c>y</c> for inputs of the shapes <see cref="TensorFunctionInputs{T}.ShapeOf(int)"/>.
    /// Throw <see cref="ShapeMismatchException"/> (or <see cref="ArgumentException"/>) for inputs that do not fit.
    /// </summary>
    public abstract Shape OutputShape(TensorFunctionInputs<T> inputs);

    /// <summary>Writes <c>y = f(x₀, …, xₙ₋₁)</c> into <paramref name="output"/> (row-major, of the <see cref="OutputShape"/>).</summary>
    public abstract void Forward(TensorFunctionInputs<T> inputs, Span<T> output);

    /// <summary>
    /// The vector-Jacobian product: for each input k, accumulates <c>x̄ₖ += (∂y/∂xₖ)ᵀ·ȳ</c> into
    /// <c><paramref name="inputGrads"/>[k]</c> (add to it: an input used twice receives both
    /// contributions). <paramref name="output"/> is <c>y</c>, to reuse; <paramref name="outputGrad"/> is ȳ.
    /// </summary>
    public abstract void Backward(TensorFunctionInputs<T> inputs, ReadOnlySpan<T> output, ReadOnlySpan<T> outputGrad, TensorFunctionGradients<T> inputGrads);

    /// <summary>
    /// Optional: the vector-Jacobian product written in tape operations, so that it can be differentiated
    /// again. Set <c><paramref name="inputGrads"/>[k]</c> to <c>(∂y/∂xₖ)ᵀ·ȳ</c> (with xₖ's shape), or leave
    /// it <c>default</c> where that contribution is zero, and return true. Returns false (the default)
    /// when the function has no such rule: second-order derivatives through it then throw naming <see cref="Name"/>.
    /// </summary>
    /// <param name="inputs">The inputs xₖ, as recorded.</param>
    /// <param name="output">The output y, as recorded.</param>
    /// <param name="outputGrad">The output's adjoint ȳ, a value on the same tape.</param>
    /// <param name="inputGrads">One slot per input, <c>default</c> on entry.</param>
    public virtual bool TryVjp(ReadOnlySpan<Var<T>> inputs, Var<T> output, Var<T> outputGrad, Span<Var<T>> inputGrads) => false;

    /// <summary>
    /// Optional: the tangent (Jacobian-vector product) rule in tape operations,
    /// <c>ẏ = Σₖ (∂y/∂xₖ)·ẋₖ</c>, with <c>ẏ</c> of y's shape. Return false (the default) when the function
    /// has no tangent rule: forward mode through it (Jvp, Hvp, Hessian) then throws naming <see cref="Name"/>.
    /// </summary>
    /// <param name="inputs">The inputs xₖ, as recorded.</param>
    /// <param name="output">The output y, as recorded.</param>
    /// <param name="inputTangents">The tangents ẋₖ, one per input, each of its input's shape (zeros where an input has none).</param>
    /// <param name="outputTangent">Set to ẏ.</param>
    public virtual bool TryJvp(ReadOnlySpan<Var<T>> inputs, Var<T> output, ReadOnlySpan<Var<T>> inputTangents, out Var<T> outputTangent)
    {
        outputTangent = default;
        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The inputs of a <see cref="TensorFunction{T}"/> call: their values and shapes, by position.</summary>
public readonly ref struct TensorFunctionInputs<T> where T : IFloatingPointIeee754<T>
{
    private readonly TensorTape<T> tape;
    private readonly ReadOnlySpan<int> nodes;

    internal TensorFunctionInputs(TensorTape<T> tape, ReadOnlySpan<int> nodes)
    {
        this.tape = tape;
        this.nodes = nodes;
    }

    /// <summary>Number of inputs.</summary>
    public int Count => nodes.Length;

    /// <summary>The values of input <paramref name="k"/>, row-major.</summary>
    public ReadOnlySpan<T> this[int k] => tape.ValueOf(Node(k));

    /// <summary>The shape of input <paramref name="k"/>.</summary>
    public Shape ShapeOf(int k) => tape.ShapeOf(Node(k));

    private int Node(int k) => (uint)k < (uint)nodes.Length ? nodes[k]
        : throw new ArgumentOutOfRangeException(nameof(k), $"Input {k} does not exist: this call has {nodes.Length} input(s).");
}

/// <summary>
/// The adjoint buffers of a <see cref="TensorFunction{T}"/>'s inputs during a backward sweep, by position:
/// add each input's contribution into its buffer.
/// </summary>
public readonly ref struct TensorFunctionGradients<T> where T : IFloatingPointIeee754<T>
{
    private readonly TensorTape<T> tape;
    private readonly ReadOnlySpan<int> nodes;
    private readonly ReadOnlySpan<int> targets; // when not empty: node k's contribution goes into the value of node targets[k] (−1: discarded)
    private readonly bool intoValues;

    internal TensorFunctionGradients(TensorTape<T> tape, ReadOnlySpan<int> nodes)
    {
        this.tape = tape;
        this.nodes = nodes;
    }

    internal TensorFunctionGradients(TensorTape<T> tape, ReadOnlySpan<int> nodes, ReadOnlySpan<int> targets)
    {
        this.tape = tape;
        this.nodes = nodes;
        this.targets = targets;
        intoValues = true;
    }

    /// <summary>Number of inputs.</summary>
    public int Count => nodes.Length;

    /// <summary>
    /// Input <paramref name="k"/>'s adjoint, of its shape, to add into. When the input needs no gradient
    /// (<see cref="IsNeeded"/> is false) this is a scratch buffer whose contents are discarded.
    /// </summary>
    public Span<T> this[int k]
    {
        get
        {
            int node = Node(k);
            int length = tape.ShapeOf(node).Length;
            if (intoValues) return targets[k] >= 0 ? tape.Nodes[targets[k]].Value.AsSpan(0, length) : tape.Discard(length);
            return tape.RequiresGrad(node) ? tape.AdjointToAdd(node) : tape.Discard(length);
        }
    }

    /// <summary>True when input <paramref name="k"/> needs a gradient; skip the work for it otherwise.</summary>
    public bool IsNeeded(int k) => intoValues ? targets[Check(k)] >= 0 : tape.RequiresGrad(Node(k));

    private int Check(int k) => (uint)k < (uint)nodes.Length ? k
        : throw new ArgumentOutOfRangeException(nameof(k), $"Input {k} does not exist: this call has {nodes.Length} input(s).");

    private int Node(int k) => nodes[Check(k)];
}
