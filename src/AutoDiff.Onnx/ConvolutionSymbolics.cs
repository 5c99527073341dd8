using System.Numerics;

namespace AutoDiff.Onnx;

/// <summary>
/// The convolution and pooling primitives as ONNX operators. Both use the same definitions (PyTorch's):
/// <c>Conv</c> is the cross-correlation <c>y[n, o, i, j] = Σ_{c, p, q} w[o, c, p, q]·x[n, g·C/G + c, s·i + d·p − pad, s·j + d·q − pad]</c>
/// with zero padding; <c>MaxPool</c> and <c>AveragePool</c> take the maximum or mean of each k×k window,
/// windows s apart, no padding, floor mode (so the output sizes agree as well).
/// </summary>
internal static class ConvolutionSymbolics
{
    /// <summary>Conv(x, w) with strides, symmetric pads, dilations, group and the kernel's shape.</summary>
    public static string Conv<T>(OnnxGraphWriter<T> w, GraphNode<T> n, string x, string weight, int[] weightDims, string scope) where T : IFloatingPointIeee754<T>
    {
        int stride = n.Axis & 0xFFFF, dilation = n.Axis >> 16, padding = n.Offset & 0xFFFF, groups = n.Offset >> 16;
        return w.Node("Conv", scope, [x, weight],
        [
            OnnxGraphWriter<T>.IntsAttribute("kernel_shape", weightDims[2], weightDims[3]),
            OnnxGraphWriter<T>.IntsAttribute("strides", stride, stride),
            OnnxGraphWriter<T>.IntsAttribute("pads", padding, padding, padding, padding),
            OnnxGraphWriter<T>.IntsAttribute("dilations", dilation, dilation),
            OnnxGraphWriter<T>.IntAttribute("group", groups),
        ]);
    }

    /// <summary>MaxPool or AveragePool of x with a square kernel and stride, no padding.</summary>
    public static string Pool<T>(OnnxGraphWriter<T> w, GraphNode<T> n, string x, string scope) where T : IFloatingPointIeee754<T>
    {
        int kernel = n.Axis, stride = n.Offset;
        return w.Node(n.Op == Primitive.MaxPool ? "MaxPool" : "AveragePool", scope, [x],
        [
            OnnxGraphWriter<T>.IntsAttribute("kernel_shape", kernel, kernel),
            OnnxGraphWriter<T>.IntsAttribute("strides", stride, stride),
        ]);
    }
}
