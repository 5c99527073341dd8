namespace AutoDiff;

/// <summary>
/// The closed set of tensor primitives. Each one's forward and rules (fused backward, VJP, JVP) live side
/// by side in <c>Ops/*.cs</c>; <see cref="TensorRules{T}"/> is the table that maps an op to its rules.
/// </summary>
internal enum TensorOp : byte
{
    Constant, Leaf,
    Add, Sub, Mul, Div, Neg, Scale,
    Exp, Log,
    /// <summary>y = a^Alpha element-wise (a constant exponent).</summary>
    Pow,
    Max,
    /// <summary>Element-wise min(a, b) with broadcasting (ties to a).</summary>
    Min,
    /// <summary>c ? a : b with broadcasting of all three (C = the condition).</summary>
    Where,
    Sum, SumAxis,
    /// <summary>Sums over the axes along which the input is broadcast to reach it: the node's shape (the adjoint of broadcasting).</summary>
    SumTo,
    /// <summary>Repeats the input along the axes of the node's shape where it has size 1 or is missing.</summary>
    BroadcastTo,
    Reshape, Transpose, Slice,
    /// <summary>Places the input into zeros along Axis at Offset: the adjoint of Slice.</summary>
    Pad,
    /// <summary>The axes in the order Ints gives: y's axis k is a's axis Ints[k].</summary>
    Permute,
    /// <summary>The node's Inputs joined along Axis.</summary>
    Concat,
    /// <summary>Index select: y[o, j, i] = a[o, Ints[j], i] along Axis.</summary>
    Gather,
    /// <summary>Its adjoint: zeros of the node's shape with a[o, j, i] added at [o, Ints[j], i] along Axis.</summary>
    ScatterAdd,
    /// <summary>
    /// y[o, j, i] = a[o, Ints[(o·J + j)·inner + i], i] along Axis: one position per output element (Offset says
    /// where they came from: 0 given, 1 the maxima of a along Axis, 2 its minima).
    /// </summary>
    TakeAlong,
    /// <summary>Its adjoint: zeros of the node's shape with a added at the positions Ints along Axis.</summary>
    PutAlong,
    MatMul,
    Elementwise,
    /// <summary>A user-defined <see cref="TensorFunction{T}"/>; its inputs are the node's <c>Inputs</c>.</summary>
    Function,
    /// <summary>
    /// A value known only to first order (a derivative from an activation without a <c>Derivative</c>,
    /// a TensorFunction's VJP without a tape rule): A is the node whose derivative it is, B the adjoint it
    /// is linear in (or −1). Differentiating it again throws, naming that node's function.
    /// </summary>
    Opaque,
    /// <summary>2-d convolution y = x ⋆ w (A = x, B = w); Axis = stride | dilation ≪ 16, Offset = padding | groups ≪ 16.</summary>
    Conv2d,
    /// <summary>Its adjoint in x, the transposed convolution x̄ = w ⋆ᵀ ȳ (A = ȳ, B = w; the node has x's shape); attributes as Conv2d.</summary>
    Conv2dInput,
    /// <summary>Its adjoint in w, w̄ = x ⋆_w ȳ (A = x, B = ȳ; the node has w's shape); attributes as Conv2d.</summary>
    Conv2dWeight,
    /// <summary>Max pooling as a gather at recorded window positions (A = x, C = the positions); Axis = kernel, Offset = stride.</summary>
    MaxPool2d,
    /// <summary>Its adjoint: a scatter of A to the recorded positions C, into the input's shape (the node's).</summary>
    MaxUnpool2d,
    /// <summary>Average pooling (A = x); Axis = kernel, Offset = stride.</summary>
    AvgPool2d,
    /// <summary>Its adjoint: A/kernel² spread over each window, into the input's shape (the node's).</summary>
    AvgUnpool2d,
}
