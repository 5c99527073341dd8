namespace AutoDiff.Kernels;

/// <summary>
/// The sizes of one 2-d convolution <c>y = x ⋆ w</c> as PyTorch defines it (cross-correlation, zero
/// padding): x is [N, C, H, W], w is [O, C/groups, KH, KW], y is [N, O, OH, OW] with
/// <c>OH = ⌊(H + 2·padding − dilation·(KH − 1) − 1) / stride⌋ + 1</c> (OW alike), and
/// <c>y[n, o, i, j] = Σ_{c, kh, kw} w[o, c, kh, kw] · x[n, g·C/groups + c, i·stride − padding + kh·dilation, j·stride − padding + kw·dilation]</c>
/// where g = o / (O/groups) is the output's group and x is 0 outside the image.
/// </summary>
/// <remarks>
/// The kernels work in a "phase plane" layout that turns every stride and dilation into a plain shift.
/// The zero-padded image (Hp = H + 2·padding rows, Wp columns) is split into stride² planes
/// <c>X_ab[i, j] = x_padded[i·s + a, j·s + b]</c> of Hs × Ws = ⌈Hp/s⌉ × ⌈Wp/s⌉ elements each. A tap
/// (kh, kw) at offset (kh·d, kw·d) = (α·s + a, β·s + b) then reads plane (a, b) shifted by (α, β), so
/// with outputs laid out "wide" (row pitch Ws instead of OW, the extra columns discarded) each tap is
/// one contiguous run: <c>y_wide[o, q] = Σ_p w[o, p] · X[offset(p) + q]</c>. That is a GEMM whose B rows
/// are shifted views of the input: no im2col buffer. With stride 1 there is one plane, the padded image.
/// </remarks>
internal readonly struct Conv2dGeometry
{
    public Conv2dGeometry(int n, int c, int h, int w, int o, int kh, int kw, int stride, int padding, int dilation, int groups)
    {
        N = n; C = c; H = h; W = w; O = o; KH = kh; KW = kw;
        Stride = stride; Padding = padding; Dilation = dilation; Groups = groups;
        OH = (h + 2 * padding - dilation * (kh - 1) - 1) / stride + 1;
        OW = (w + 2 * padding - dilation * (kw - 1) - 1) / stride + 1;
        Hs = (h + 2 * padding + stride - 1) / stride;
        Ws = (w + 2 * padding + stride - 1) / stride;
    }

    public readonly int N, C, H, W, O, KH, KW, Stride, Padding, Dilation, Groups;

    /// <summary>Output rows and columns.</summary>
    public readonly int OH, OW;

    /// <summary>Rows and columns of one phase plane.</summary>
    public readonly int Hs, Ws;

    /// <summary>Input channels per group.</summary>
    public int Cg => C / Groups;

    /// <summary>Output channels per group.</summary>
    public int Og => O / Groups;

    /// <summary>Taps per output channel, the GEMM depth: (C/groups)·KH·KW.</summary>
    public int Kg => Cg * KH * KW;

    public int InputLength => C * H * W;
    public int OutputLength => O * OH * OW;
    public int WeightLength => O * Kg;

    /// <summary>Elements of one phase plane.</summary>
    public int PlaneLength => Hs * Ws;

    /// <summary>Elements of one channel in phase layout: stride² planes.</summary>
    public int ChannelLength => Stride * Stride * PlaneLength;

    /// <summary>Elements of one image in phase layout.</summary>
    public int ImageLength => C * ChannelLength;

    /// <summary>Columns of a wide output row block: OH rows of pitch Ws.</summary>
    public int WideLength => OH * Ws;

    /// <summary>Where tap (c, kh, kw) of a group starts reading, relative to the group's first channel in phase layout.</summary>
    public int TapOffset(int c, int kh, int kw)
    {
        int r = kh * Dilation, t = kw * Dilation;
        return c * ChannelLength + (r % Stride * Stride + t % Stride) * PlaneLength + r / Stride * Ws + t / Stride;
    }

    /// <summary>
    /// Elements a wide read or write may reach past the last image's phase planes: a tap's column shift
    /// (less than Ws) plus the padding of the wide length to whole tiles (<paramref name="widePadded"/>).
    /// </summary>
    public int Slack(int widePadded) => Ws + widePadded - WideLength + 64;

    /// <summary>A readable description for messages: <c>stride 1, padding 0, dilation 1, groups 1</c>.</summary>
    public override string ToString() => $"stride {Stride}, padding {Padding}, dilation {Dilation}, groups {Groups}";
}
