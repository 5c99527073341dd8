using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AutoDiff.Kernels;

namespace AutoDiff.Nn;

/// <summary>
/// Updates parameters in place from their gradients (<see cref="Parameter{T}.Grad"/>) after a backward
/// sweep. State (momentum, moments) is allocated on a parameter's first step; later steps allocate nothing.
/// </summary>
/// <remarks>
/// Not thread-safe: step one optimiser from one thread at a time, always with the same parameter
/// list in the same order (its state is kept per position in that list).
/// </remarks>
public abstract class Optimizer<T> where T : IFloatingPointIeee754<T>
{
    private double learningRate, weightDecay;

    /// <summary>Creates an optimiser with step size <paramref name="learningRate"/>.</summary>
    protected Optimizer(double learningRate) => LearningRate = learningRate;

    /// <summary>The step size η; a schedule may change it between steps. Must be finite and positive.</summary>
    public double LearningRate
    {
        get => learningRate;
        set => learningRate = double.IsFinite(value) && value > 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), $"The learning rate must be finite and positive; got {value}.");
    }

    /// <summary>
    /// Decoupled weight decay λ (Loshchilov &amp; Hutter's AdamW), 0 (off) by default. Each step first
    /// shrinks every parameter, <c>w ← (1 − η·λ)·w</c>, then applies the optimiser's update computed from
    /// the gradient alone. The gradient is left as it is, so with <see cref="Adam{T}"/> this is AdamW, not
    /// an L2 penalty (which Adam would rescale per element); with <see cref="Sgd{T}"/> it equals adding
    /// <c>(λ/2)·‖w‖²</c> to the loss; with <see cref="Momentum{T}"/> the decay does not enter the velocity.
    /// It applies to every parameter passed to <see cref="Step"/>, biases included: to decay only the
    /// weights, step the biases with a second optimiser. Must be finite and non-negative.
    /// </summary>
    public double WeightDecay
    {
        get => weightDecay;
        set => weightDecay = double.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), $"The weight decay must be finite and non-negative; got {value}.");
    }

    /// <summary>Number of steps taken.</summary>
    public int Steps { get; private set; }

    /// <summary>
    /// Applies one update to every parameter in <paramref name="parameters"/>. Every gradient is
    /// checked first: a NaN or ±∞ (a diverged or broken loss) throws naming the parameter and the
    /// element, and then no parameter has been changed, so one bad batch never poisons the weights.
    /// </summary>
    /// <remarks>
    /// When the step's products ran on several threads (<see cref="Kernels.Parallelism.MaxThreads"/>), the
    /// built-in optimisers check and update each parameter of 2¹⁵ elements or more in one range per thread,
    /// so each core works on the part of the weights and gradients its caches already hold. Their update is
    /// element-wise, so the result is bit-identical for any thread count. An optimiser derived from this
    /// class updates each parameter whole, with <see cref="Update"/>, on the calling thread.
    /// </remarks>
    /// <exception cref="InvalidOperationException">A gradient is missing, has the wrong length or is not finite.</exception>
    public void Step(IReadOnlyList<Parameter<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i] ?? throw new ArgumentNullException(nameof(parameters), $"Parameter {i} is null.");
            if (p.Grad.Length != p.Value.Length)
                throw new InvalidOperationException($"Parameter {p.Name}: gradient of {p.Grad.Length} elements for a value of {p.Value.Length}.");
        }
        var split = Elementwise ? (ranges ??= new OptimizerRanges<T>(this)).Plan(parameters) : null;
        try
        {
            split?.Check();
            for (int i = 0; i < parameters.Count; i++)
            {
                var g = parameters[i].Grad;
                int bad = split is not null && split.IsSplit(i) ? split.FirstBad(i) : SpanMath.IndexOfNonFinite(g);
                if (bad >= 0)
                    throw new InvalidOperationException(
                        $"Parameter {parameters[i].Name}: its gradient holds {g[bad]} at element {bad}; no parameter was updated. " +
                        "Set Tape.DetectAnomalies = true on the tape that recorded the loss to find the operation that produced it.");
            }
            Steps++;
            for (int i = 0; i < parameters.Count; i++)
            {
                if (Elementwise) PrepareState(i, parameters[i].Value.Length);
                if (split is null || !split.IsSplit(i)) UpdateWithDecay(i, 0, parameters[i].Value.Span, parameters[i].Grad);
            }
            split?.Update();
        }
        finally
        {
            ranges?.EndStep(); // also after a refused step: the split keeps no reference to the list
        }
    }

    private OptimizerRanges<T>? ranges;

    /// <summary>Elements [start, start + value.Length) of parameter <paramref name="slot"/>: w ← (1 − η·λ)·w, then the optimiser's update.</summary>
    internal void UpdateWithDecay(int slot, int start, Span<T> value, ReadOnlySpan<T> grad)
    {
        if (WeightDecay > 0) SpanMath.Multiply(value, T.CreateChecked(1 - LearningRate * WeightDecay), value);
        if (Elementwise) UpdateRange(slot, start, value, grad);
        else Update(slot, value, grad);
    }

    /// <summary>
    /// True when the update of element j reads and writes element j alone (of the value, the gradient and
    /// the optimiser's state), so <see cref="Step"/> may update a parameter in ranges, on several threads.
    /// The built-in optimisers are; they implement <see cref="PrepareState"/> and <see cref="UpdateRange"/>.
    /// </summary>
    private protected virtual bool Elementwise => false;

    /// <summary>Creates the state of parameter <paramref name="slot"/> (of <paramref name="length"/> elements) if it has none yet: before any range of it is updated.</summary>
    private protected virtual void PrepareState(int slot, int length) { }

    /// <summary>Updates elements [start, start + value.Length) of parameter <paramref name="slot"/>, whose state exists.</summary>
    private protected virtual void UpdateRange(int slot, int start, Span<T> value, ReadOnlySpan<T> grad) =>
        throw new NotSupportedException($"{GetType().Name} does not update in ranges.");

    /// <summary>Updates one parameter (number <paramref name="slot"/> in the list) from its gradient.</summary>
    protected abstract void Update(int slot, Span<T> value, ReadOnlySpan<T> grad);

    /// <summary>Per-parameter state buffers, created on first use with the parameter's length.</summary>
    protected T[] State(List<T[]> states, int slot, int length)
    {
        while (states.Count <= slot) states.Add([]);
        if (states[slot].Length != length) states[slot] = new T[length];
        return states[slot];
    }
}

/// <summary>
/// Stochastic gradient descent, the generalised delta rule: <c>w ← w − η·∂L/∂w</c>. For one sigmoid
/// neuron with L2 divergence this is the lecture's <c>wᵢ ← wᵢ + η(d − y)σ'(z)xᵢ</c>.
/// </summary>
public sealed class Sgd<T>(double learningRate) : Optimizer<T>(learningRate) where T : IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    protected override void Update(int slot, Span<T> value, ReadOnlySpan<T> grad) => UpdateRange(slot, 0, value, grad);

    private protected override bool Elementwise => true;

    private protected override void UpdateRange(int slot, int start, Span<T> value, ReadOnlySpan<T> grad) =>
        Kernels.Axpy.AddScaled(T.CreateChecked(-LearningRate), grad, value);
}

/// <summary>SGD with momentum: <c>v ← μv + ∂L/∂w;  w ← w − ηv</c>.</summary>
public sealed class Momentum<T> : Optimizer<T> where T : IFloatingPointIeee754<T>
{
    private readonly List<T[]> velocity = [];

    /// <summary>Creates the optimiser; <paramref name="momentum"/> μ must be in [0, 1).</summary>
    public Momentum(double learningRate, double momentum = 0.9) : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), $"Momentum must be in [0, 1); got {momentum}.");
        Mu = momentum;
    }

    /// <summary>The momentum coefficient μ.</summary>
    public double Mu { get; }

    /// <inheritdoc/>
    protected override void Update(int slot, Span<T> value, ReadOnlySpan<T> grad)
    {
        PrepareState(slot, value.Length);
        UpdateRange(slot, 0, value, grad);
    }

    private protected override bool Elementwise => true;

    private protected override void PrepareState(int slot, int length) => State(velocity, slot, length);

    private protected override void UpdateRange(int slot, int start, Span<T> value, ReadOnlySpan<T> grad)
    {
        var v = velocity[slot].AsSpan(start, value.Length);
        Kernels.Axpy.ScaleAdd(T.CreateChecked(Mu), v, grad);
        Kernels.Axpy.AddScaled(T.CreateChecked(-LearningRate), v, value);
    }
}

/// <summary>
/// Adam (Kingma &amp; Ba): <c>m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − η·m̂/(√v̂ + ε)</c> with
/// bias corrections <c>m̂ = m/(1−β₁ᵗ)</c>, <c>v̂ = v/(1−β₂ᵗ)</c>.
/// </summary>
public sealed class Adam<T> : Optimizer<T> where T : IFloatingPointIeee754<T>
{
    private readonly List<T[]> first = [], second = [];

    /// <summary>Creates the optimiser with the usual defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) : base(learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), $"β₁ must be in [0, 1); got {beta1}.");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), $"β₂ must be in [0, 1); got {beta2}.");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"ε must be positive; got {epsilon}.");
        (Beta1, Beta2, Epsilon) = (beta1, beta2, epsilon);
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to √v̂ for stability.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    protected override void Update(int slot, Span<T> value, ReadOnlySpan<T> grad)
    {
        PrepareState(slot, value.Length);
        UpdateRange(slot, 0, value, grad);
    }

    private protected override bool Elementwise => true;

    private protected override void PrepareState(int slot, int length)
    {
        State(first, slot, length);
        State(second, slot, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop: skip tier 0
    private protected override void UpdateRange(int slot, int start, Span<T> value, ReadOnlySpan<T> grad)
    {
        var m = first[slot].AsSpan(start, value.Length);
        var v = second[slot].AsSpan(start, value.Length);
        T b1 = T.CreateChecked(Beta1), b2 = T.CreateChecked(Beta2), eps = T.CreateChecked(Epsilon);
        T c1 = T.CreateChecked(1 - Math.Pow(Beta1, Steps)), c2 = T.CreateChecked(1 - Math.Pow(Beta2, Steps));
        // η·m̂/(√v̂ + ε) with m̂ = m/c1, v̂ = v/c2, as (η/c1)·m/(√(v·(1/c2)) + ε): one division and one
        // square root per element instead of three divisions (they were most of the update's time).
        T lrOverC1 = T.CreateChecked(LearningRate) / c1, invC2 = T.One / c2;
        int i = 0;
        ref T mr = ref MemoryMarshal.GetReference(m), vr = ref MemoryMarshal.GetReference(v);
        ref T wr = ref MemoryMarshal.GetReference(value);
        ref T gr = ref MemoryMarshal.GetReference(grad);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            // The same arithmetic as the scalar loop below, sixteen floats (eight doubles) at a time.
            Vector512<T> vb1 = Vector512.Create(b1), vb2 = Vector512.Create(b2), vc1 = Vector512.Create(T.One - b1), vc2 = Vector512.Create(T.One - b2);
            Vector512<T> vinv2 = Vector512.Create(invC2), veps = Vector512.Create(eps), vlr = Vector512.Create(lrOverC1);
            for (; i <= value.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var g = Vector512.LoadUnsafe(ref gr, (nuint)i);
                var mi = vb1 * Vector512.LoadUnsafe(ref mr, (nuint)i) + vc1 * g;
                var vi = vb2 * Vector512.LoadUnsafe(ref vr, (nuint)i) + vc2 * g * g;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                (Vector512.LoadUnsafe(ref wr, (nuint)i) - vlr * mi / (Vector512.Sqrt(vi * vinv2) + veps)).StoreUnsafe(ref wr, (nuint)i);
            }
        }
        for (; i < value.Length; i++)
        {
            T g = grad[i];
            m[i] = b1 * m[i] + (T.One - b1) * g;
            v[i] = b2 * v[i] + (T.One - b2) * g * g;
            value[i] -= lrOverC1 * m[i] / (T.Sqrt(v[i] * invC2) + eps);
        }
    }
}
