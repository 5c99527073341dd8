using System.Numerics;

namespace AutoDiff;

/// <summary>
/// A tensor value recorded on a <see cref="Tape"/>: the result of <see cref="Tape.Track{T}(Tensor{T})"/>,
/// <see cref="Tape.Constant{T}(Tensor{T})"/> or an operation. Operations on it record themselves; after
/// <see cref="Tape.Backward{T}(Var{T})"/>, <see cref="Grad"/> holds the adjoint. A small handle: copying
/// it does not copy the data. Shapes are checked on every operation.
/// </summary>
public readonly partial struct Var<T> where T : IFloatingPointIeee754<T>
{
    internal readonly TensorTape<T>? Store;
    internal readonly int Index;
    internal readonly int Generation;

    internal Var(TensorTape<T> store, int index, int generation)
    {
        Store = store;
        Index = index;
        Generation = generation;
    }

    internal Tape? Tape => Store?.Owner;

    /// <summary>The tape this value was recorded on.</summary>
    public Tape Owner => Section.Owner;

    /// <summary>True for <c>default(Var&lt;T&gt;)</c>; the higher-order rules use it for a zero adjoint or tangent.</summary>
    internal bool IsDefault => Store is null;

    /// <summary>
    /// The tape section this value lives in, after checking that the handle is live: throws for a
    /// default handle or one recorded before the last <see cref="Tape.Reset"/>.
    /// </summary>
    internal TensorTape<T> Section
    {
        get
        {
            var s = Store ?? throw new InvalidOperationException("This Var is default-initialised: it belongs to no tape.");
            if (Generation != s.Owner.Generation)
                throw new InvalidOperationException($"This Var was recorded before Reset() (generation {Generation}; the tape is at generation {s.Owner.Generation}).");
            return s;
        }
    }

    /// <summary>The dimensions.</summary>
    public Shape Shape => Section.ShapeOf(Index);

    /// <summary>The values computed when this was recorded, row-major.</summary>
    public ReadOnlySpan<T> Value => Section.ValueOf(Index);

    /// <summary>The single value of a one-element tensor.</summary>
    public T Item
    {
        get
        {
            var v = Value;
            return v.Length == 1 ? v[0] : throw new InvalidOperationException($"Item needs one element; this value has shape {Shape}.");
        }
    }

    /// <summary>∂output/∂this from the last backward sweep, with this value's shape (zeros if not reached).</summary>
    public ReadOnlySpan<T> Grad => Section.GradientAfterSweep(Index);

    /// <summary>True when gradients flow into this value (it depends on a tracked leaf).</summary>
    public bool RequiresGrad => Section.RequiresGrad(Index);

    /// <summary>A copy of the value as a <see cref="Tensor{T}"/>.</summary>
    public Tensor<T> ToTensor() => new(Value.ToArray(), Shape);

    /// <summary>A copy of the gradient as a <see cref="Tensor{T}"/>.</summary>
    public Tensor<T> GradTensor() => new(Grad.ToArray(), Shape);

    /// <inheritdoc/>
    public override string ToString() => Store is null ? "Var(default)" : $"Var{Shape}";

    /// <summary>The tape both operands belong to, or a clear error.</summary>
    internal static TensorTape<T> Same(Var<T> a, Var<T> b)
    {
        var s = a.Section;
        if (b.Store is null) throw new InvalidOperationException("This Var is default-initialised: it belongs to no tape.");
        if (b.Store != s) throw new InvalidOperationException("The two Vars were recorded on different tapes.");
        _ = b.Section;
        return s;
    }
}
