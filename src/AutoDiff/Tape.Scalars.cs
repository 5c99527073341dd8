namespace AutoDiff;

// The scalar half of the tape's public API; the storage and the sweep are in ScalarTape.
public sealed partial class Tape
{
    /// <summary>Bytes of tape storage per scalar operation: op (1), two inputs (4 + 4), value (8), adjoint (8); ops with a constant add 8.</summary>
    public const int ScalarBytesPerOperation = sizeof(ScalarOp) + 2 * sizeof(int) + 2 * sizeof(double);

    internal readonly ScalarTape Scalars;

    /// <summary>A differentiable scalar leaf holding <paramref name="value"/>.</summary>
    public Scalar Variable(double value) => Scalars.Push(IsRecording ? ScalarOp.Leaf : ScalarOp.Constant, value, -1, -1);

    /// <summary>
    /// A scalar constant: gradients do not flow into it. <c>tape.Constant(2.0)</c> is always this
    /// <see cref="Scalar"/>; a rank-0 tensor constant is <c>tape.Constant(Tensor.Scalar(2.0))</c>.
    /// </summary>
    public Scalar Constant(double value) => Scalars.Push(ScalarOp.Constant, value, -1, -1);

    /// <summary>Differentiable scalar leaves, one per value.</summary>
    public Scalar[] Variables(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var r = new Scalar[values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Variable(values[i]);
        return r;
    }

    /// <summary>
    /// Reverse sweep from <paramref name="output"/>: afterwards <see cref="Scalar.Grad"/> of every
    /// scalar recorded before it holds ∂output/∂scalar.
    /// </summary>
    public void Backward(Scalar output)
    {
        Scalars.Check(output);
        Scalars.Sweep(output.Index);
    }

    /// <summary>∂output/∂x for each x in <paramref name="wrt"/>.</summary>
    public double[] Gradient(Scalar output, params Scalar[] wrt)
    {
        ArgumentNullException.ThrowIfNull(wrt);
        foreach (var w in wrt) Scalars.Check(w);
        Backward(output);
        var r = new double[wrt.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Scalars.Grad[wrt[i].Index];
        return r;
    }
}
