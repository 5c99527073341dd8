using System.Buffers;
using System.Runtime.CompilerServices;

namespace AutoDiff;

/// <summary>
/// A last-in-first-out stack of values for generated reverse sweeps (<c>…Gradient</c> of a
/// <see cref="DifferentiableAttribute"/> method with loops): the forward sweep pushes what the reverse
/// sweep needs back (a value a loop overwrites, a loop's result), the reverse sweep pops it. It starts in
/// the caller's buffer (generated code passes <c>stackalloc T[16]</c> for float and double) and grows
/// into arrays rented from <see cref="ArrayPool{T}.Shared"/>, so a call allocates nothing once the pool
/// is warm. <see cref="Dispose"/> returns the rented array.
/// </summary>
/// <remarks>
/// Storage threshold: up to <see cref="InlineCapacity"/> values live on the stack; beyond that the
/// stack rents (doubling), or rents once when the generated code knows the count in advance
/// (<see cref="Reserve"/>, called before a loop with the loop's trip count).
/// </remarks>
public ref struct SweepStack<T>
{
    private Span<T> items;
    private T[]? rented;
    private int count;

    /// <summary>Values that fit in the buffer generated code passes before the stack rents an array.</summary>
    public const int InlineCapacity = 16;

    /// <summary>A stack that starts in <paramref name="buffer"/> (stack memory, typically).</summary>
    public SweepStack(Span<T> buffer)
    {
        items = buffer;
        rented = null;
        count = 0;
    }

    /// <summary>A stack that starts with a rented array of at least <paramref name="capacity"/> values.</summary>
    public SweepStack(int capacity)
    {
        rented = capacity > 0 ? ArrayPool<T>.Shared.Rent(capacity) : null;
        items = rented;
        count = 0;
    }

    /// <summary>The number of values on the stack.</summary>
    public readonly int Count => count;

    /// <summary>Makes room for <paramref name="more"/> further pushes at once (nothing when they fit; a negative count is none).</summary>
    public void Reserve(int more)
    {
        if (more > items.Length - count) Grow(count + more);
    }

    /// <summary>Pushes <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T value)
    {
        if (count == items.Length) Grow(count + 1);
        items[count++] = value;
    }

    /// <summary>Pops the value pushed last.</summary>
    /// <exception cref="InvalidOperationException">The stack is empty (a generated sweep popped more than it pushed: a generator bug).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Pop()
    {
        if (count == 0) throw new InvalidOperationException("SweepStack.Pop on an empty stack: the reverse sweep popped more values than the forward sweep pushed.");
        return items[--count];
    }

    /// <summary>Returns the rented array, if any, to the pool.</summary>
    public void Dispose()
    {
        if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        rented = null;
        items = default;
        count = 0;
    }

    private void Grow(int needed)
    {
        var bigger = ArrayPool<T>.Shared.Rent(Math.Max(needed, Math.Max(2 * items.Length, InlineCapacity)));
        items[..count].CopyTo(bigger);
        if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        rented = bigger;
        items = bigger;
    }
}
