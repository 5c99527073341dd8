using System.Numerics;
using System.Runtime.CompilerServices;

namespace AutoDiff;

/// <summary>
/// A reverse-mode tape (a Wengert list). Every operation on values of this tape is appended in
/// execution order together with what its backward rule needs; a gradient is one reverse sweep
/// over the list that accumulates adjoints with <c>+=</c>, so a value used twice receives both
/// contributions. Storage is arrays that <see cref="Reset"/> keeps, so a loop that records and
/// sweeps the same graph again and again allocates nothing after its first iteration.
/// </summary>
/// <remarks>
/// A tape records scalars (<see cref="Scalar"/>, float64) and tensors (<see cref="Var{T}"/>) of any
/// IEEE floating-point element type; each kind sweeps on its own.
/// <para>
/// Not thread-safe: use one tape per thread. Separate tapes may be used concurrently from any number
/// of threads (they share nothing but the read-only activation objects and the kernels' worker
/// pool, which serves one caller at a time and runs the others on their own threads) and give
/// bit-identical results to serial runs. Misuse is caught where it is cheap: the first tensor
/// operation after <see cref="Reset"/> claims the recording for its thread, and a tensor operation
/// from another thread before the next reset throws <see cref="InvalidOperationException"/> naming
/// both threads. Scalar operations (a few nanoseconds each) are not checked. A tape may move to
/// another thread between recordings; continuing one recording on another thread (say, across an
/// <c>await</c>) needs a reset first.
/// </para>
/// </remarks>
public sealed partial class Tape
{
    private object?[] tensorTapes = new object?[2];
    private int noGradDepth;
    private bool detectAnomalies;
    private int recordingThread; // managed thread id of the current recording (0: none since the last Reset)

    /// <summary>
    /// Called by every tensor operation: the first one after a reset claims the recording for the
    /// calling thread; one from any other thread before the next reset throws, naming both threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ClaimRecording()
    {
        int me = Environment.CurrentManagedThreadId;
        if (recordingThread != me) ClaimRecordingSlow(me);
    }

    private void ClaimRecordingSlow(int me)
    {
        int owner = Interlocked.CompareExchange(ref recordingThread, me, 0);
        if (owner != 0 && owner != me)
            throw new InvalidOperationException(
                $"This tape is recording on thread {owner}, and thread {me} tried to record on it too. A tape is not " +
                "thread-safe: give each thread its own tape (a tape may change threads between recordings: Reset() releases it).");
    }

    /// <summary>Creates an empty tape.</summary>
    public Tape() => Scalars = new ScalarTape(this);

    /// <summary>Counts calls to <see cref="Reset"/>; values recorded in an earlier generation are refused.</summary>
    public int Generation { get; private set; }

    /// <summary>True unless inside a <see cref="NoGrad"/> scope: operations record their backward rule.</summary>
    public bool IsRecording => noGradDepth == 0;

    /// <summary>
    /// Anomaly mode (like <c>torch.autograd.detect_anomaly</c>): when set, every operation recorded
    /// from then on keeps the stack it was recorded from, and every recorded value and every gradient
    /// of the backward sweep is checked for NaN and ±∞. The first one found throws
    /// <see cref="AnomalyException"/> naming the operation, its position on the tape, its input shapes
    /// and where it was recorded (the first frame outside AutoDiff, with file and line when symbols
    /// are available; the whole stack is <see cref="AnomalyException.RecordedAt"/>). For example
    /// <c>log(−1)</c> or <c>0/0</c> throws while recording; <c>√x</c> at 0 throws in the sweep (its
    /// gradient is ∞).
    /// </summary>
    /// <remarks>
    /// For debugging: a stack trace per operation makes recording some hundred times slower. Off by
    /// default, and then free: one branch per operation and no allocation.
    /// </remarks>
    public bool DetectAnomalies
    {
        get => detectAnomalies;
        set
        {
            detectAnomalies = value;
            Scalars.SlowRecording = detectAnomalies || noGradDepth != 0;
        }
    }

    /// <summary>Number of scalar operations recorded since the last reset.</summary>
    public int ScalarCount => Scalars.Count;

    /// <summary>Number of tensor operations of element type <typeparamref name="T"/> recorded since the last reset.</summary>
    public int TensorCount<T>() where T : IFloatingPointIeee754<T> => Tensors<T>().Count;

    /// <summary>
    /// Forgets every recorded operation but keeps the storage for the next recording. Values and
    /// handles from before the reset become invalid: using one throws.
    /// </summary>
    public void Reset()
    {
        Generation++;
        recordingThread = 0;
        Scalars.Reset();
        foreach (var t in tensorTapes) (t as ITensorTape)?.Reset();
    }

    /// <summary>
    /// Opens a scope in which operations compute values but record no backward rule (inference).
    /// Values computed inside are constants to any later gradient. Dispose the scope to resume.
    /// </summary>
    public NoGradScope NoGrad()
    {
        Scalars.SlowRecording = true;
        return new(this, ++noGradDepth);
    }

    /// <summary>Ends a <see cref="NoGrad"/> scope.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        private readonly Tape tape;
        private readonly int depth;

        internal NoGradScope(Tape tape, int depth) => (this.tape, this.depth) = (tape, depth);

        /// <summary>
        /// Closes the scope (and any scope opened inside it that is still open). Disposing a scope
        /// again does nothing; disposing a scope that is already closed leaves the enclosing scopes open.
        /// </summary>
        public void Dispose()
        {
            // Depth-stamped, so a second Dispose (or a copy's) cannot close an enclosing scope.
            if (tape is null || tape.noGradDepth < depth) return;
            tape.noGradDepth = depth - 1;
            tape.Scalars.SlowRecording = tape.detectAnomalies || tape.noGradDepth != 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal TensorTape<T> Tensors<T>() where T : IFloatingPointIeee754<T>
    {
        int id = TensorTapeId<T>.Value;
        var tapes = tensorTapes;
        if ((uint)id < (uint)tapes.Length && tapes[id] is TensorTape<T> t) return t;
        return CreateTensors<T>(id);
    }

    private TensorTape<T> CreateTensors<T>(int id) where T : IFloatingPointIeee754<T>
    {
        if (id >= tensorTapes.Length) Array.Resize(ref tensorTapes, Math.Max(id + 1, tensorTapes.Length * 2));
        var t = new TensorTape<T>(this);
        tensorTapes[id] = t;
        return t;
    }

    private static class TensorTapeIds { public static int Next = -1; }

    private static class TensorTapeId<T>
    {
        public static readonly int Value = Interlocked.Increment(ref TensorTapeIds.Next);
    }

    /// <summary>Puts <paramref name="value"/> on the tape as a differentiable leaf (its data is shared, not copied).</summary>
    public Var<T> Track<T>(Tensor<T> value) where T : IFloatingPointIeee754<T> => Tensors<T>().Leaf(value, requiresGrad: IsRecording);

    /// <summary>Puts <paramref name="value"/> on the tape as a constant (data: no gradient flows into it).</summary>
    public Var<T> Constant<T>(Tensor<T> value) where T : IFloatingPointIeee754<T> => Tensors<T>().Leaf(value, requiresGrad: false);

    /// <summary>
    /// A constant of shape <paramref name="shape"/> holding a copy of <paramref name="values"/> in the
    /// tape's own reusable storage: the way to feed a batch of data without allocating.
    /// </summary>
    public Var<T> Constant<T>(ReadOnlySpan<T> values, Shape shape) where T : IFloatingPointIeee754<T>
    {
        if (values.Length != shape.Length)
            throw new ArgumentException($"Shape {shape} needs {shape.Length} values but {values.Length} were given.", nameof(values));
        var t = Tensors<T>();
        var constant = t.NewConstant(shape, out var copy);
        values.CopyTo(copy);
        return t.Handle(constant.Index); // checked for NaN and ±∞ in anomaly mode
    }

    /// <summary>
    /// A constant with dimensions <paramref name="dims"/> holding a copy of <paramref name="values"/>;
    /// unlike <c>new Shape(...)</c> each step, the shape of a graph recorded again and again is reused,
    /// so a training loop that feeds its batches this way allocates nothing.
    /// </summary>
    public Var<T> Constant<T>(ReadOnlySpan<T> values, params ReadOnlySpan<int> dims) where T : IFloatingPointIeee754<T>
    {
        long length = 1;
        foreach (int d in dims)
        {
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(dims), $"Shape {Shape.Format(dims)} has a negative dimension {d}.");
            length *= d;
        }
        if (values.Length != length)
            throw new ArgumentException($"Shape {Shape.Format(dims)} needs {length} values but {values.Length} were given.", nameof(values));
        var t = Tensors<T>();
        return Constant(values, t.NextShape(dims));
    }

    /// <summary>
    /// A rank-0 tensor constant holding <paramref name="value"/>. Obsolete: <c>tape.Constant&lt;double&gt;(2.0)</c>
    /// read like the <see cref="Scalar"/> constant <c>tape.Constant(2.0)</c>, and <c>tape.Constant(2f)</c>
    /// silently made a tensor; write <c>tape.Constant(Tensor.Scalar(value))</c>.
    /// </summary>
    [Obsolete("tape.Constant<T>(value) makes a rank-0 tensor although tape.Constant(2.0) makes a Scalar: write tape.Constant(Tensor.Scalar(value)).")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public Var<T> Constant<T>(T value) where T : IFloatingPointIeee754<T> => Tensors<T>().ConstantValue(value);

    /// <summary>
    /// Reverse sweep from a one-element output: afterwards <see cref="Var{T}.Grad"/> of every tensor
    /// recorded before it holds ∂output/∂tensor.
    /// </summary>
    public void Backward<T>(Var<T> output) where T : IFloatingPointIeee754<T>
    {
        var t = Check(output);
        if (t.ShapeOf(output.Index).Length != 1)
            throw new InvalidOperationException(
                $"Backward needs a one-element output, but the output has shape {t.ShapeOf(output.Index)}; pass a seed (∂L/∂output) of that shape.");
        t.Sweep(output.Index, default);
    }

    /// <summary>
    /// Reverse sweep from any output with an explicit seed <c>v = ∂L/∂output</c> of the output's shape:
    /// afterwards each tensor's <see cref="Var{T}.Grad"/> holds <c>Jᵀv</c>.
    /// </summary>
    public void Backward<T>(Var<T> output, Tensor<T> seed) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(seed);
        var t = Check(output);
        var shape = t.ShapeOf(output.Index);
        if (seed.Shape != shape) throw new ShapeMismatchException("Backward seed", shape, seed.Shape, "the seed must have the output's shape");
        t.Sweep(output.Index, seed.Span);
    }

    /// <summary>∂output/∂x for each x in <paramref name="wrt"/>, each with x's shape (copies).</summary>
    public Tensor<T>[] Gradient<T>(Var<T> output, params Var<T>[] wrt) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(wrt);
        foreach (var w in wrt) Check(w);
        Backward(output);
        return wrt.Select(w => new Tensor<T>(w.Grad.ToArray(), w.Shape)).ToArray();
    }

    internal TensorTape<T> Check<T>(Var<T> v) where T : IFloatingPointIeee754<T>
    {
        if (v.Tape is null) throw new InvalidOperationException("This Var is default-initialised: it belongs to no tape.");
        if (v.Tape != this) throw new InvalidOperationException("This Var was recorded on another tape.");
        if (v.Generation != Generation)
            throw new InvalidOperationException($"This Var was recorded before Reset() (generation {v.Generation}; the tape is at generation {Generation}).");
        return Tensors<T>();
    }
}

internal interface ITensorTape
{
    void Reset();
}
