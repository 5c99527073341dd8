namespace AutoDiff;

public readonly partial struct Var<T>
{
    /// <summary>
    /// 2-d convolution as PyTorch's <c>conv2d</c> (a cross-correlation with zero padding): this input
    /// [N, C, H, W] with <paramref name="weight"/> [O, C/groups, KH, KW] gives [N, O, OH, OW] with
    /// <c>OH = ⌊(H + 2·padding − dilation·(KH − 1) − 1)/stride⌋ + 1</c> (OW alike) and
    /// <c>y[n, o, i, j] = Σ_{c, kh, kw} w[o, c, kh, kw]·x[n, g·C/groups + c, i·stride − padding + kh·dilation, j·stride − padding + kw·dilation]</c>
    /// (g the group of o; x = 0 outside the image). Its adjoints: ∂/∂x is the transposed convolution of ȳ
    /// with w, ∂/∂w the correlation of x with ȳ.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The shapes do not fit (named with both shapes).</exception>
    /// <exception cref="ArgumentOutOfRangeException">stride, dilation or groups below 1, or padding below 0.</exception>
    public Var<T> Conv2d(Var<T> weight, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        ConvolutionOps.Conv2d(this, weight, stride, padding, dilation, groups);

    /// <summary>
    /// Max pooling over [N, C, H, W]: each output is the maximum of a <paramref name="kernel"/>×<paramref name="kernel"/>
    /// window, windows <paramref name="stride"/> apart, no padding (<c>OH = ⌊(H − kernel)/stride⌋ + 1</c>).
    /// The gradient flows to the maximum's position (the first one on ties; NaN propagates).
    /// </summary>
    public Var<T> MaxPool2d(int kernel, int stride) => PoolingOps.MaxPool2d(this, kernel, stride);

    /// <summary>
    /// Average pooling over [N, C, H, W]: each output is the mean of a <paramref name="kernel"/>×<paramref name="kernel"/>
    /// window, windows <paramref name="stride"/> apart, no padding; ∂/∂x = 1/kernel² over each window.
    /// </summary>
    public Var<T> AvgPool2d(int kernel, int stride) => PoolingOps.AvgPool2d(this, kernel, stride);

    /// <summary>[N, d₁, d₂, …] → [N, d₁·d₂·…] (a view), keeping the batch dimension; [N] becomes [N, 1].</summary>
    public Var<T> Flatten()
    {
        var s = Shape;
        if (s.Rank == 0) throw new InvalidOperationException("Flatten needs a batch dimension; the value is a rank-0 scalar.");
        int rest = 1;
        for (int k = 1; k < s.Rank; k++) rest *= s.Dims[k];
        return Reshape(s[0], rest);
    }
}
