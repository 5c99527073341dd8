namespace AutoDiff;

// The scalar half of the tape's public API; the storage and the sweep are in ScalarTape.
public sealed partial class Tape
{
    /// <summary>
    /// Bytes of tape storage per scalar operation: value (8), the partials with respect to its two inputs
    /// (8 + 8), two inputs (4 + 4), op (1) and padding to 40, then its adjoint (8).
    /// </summary>
    public const int ScalarBytesPerOperation = 48;

    internal readonly ScalarTape Scalars;

    /// <summary>A differentiable scalar leaf holding <paramref name="value"/>.</summary>
    public Scalar Variable(double value) => Scalars.PushInput(IsRecording ? ScalarOp.Leaf : ScalarOp.Constant, value);

    /// <summary>
    /// A scalar constant: gradients do not flow into it. <c>tape.Constant(2.0)</c> is always this
    /// <see cref="Scalar"/>; a rank-0 tensor constant is <c>tape.Constant(Tensor.Scalar(2.0))</c>.
    /// </summary>
    public Scalar Constant(double value) => Scalars.PushInput(ScalarOp.Constant, value);

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
