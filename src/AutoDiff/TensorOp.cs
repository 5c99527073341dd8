namespace AutoDiff;

/// <summary>
/// The closed set of tensor primitives. Each family's forward and backward live side by side in
/// <c>Ops/*.cs</c>; <see cref="TensorTape{T}.Sweep"/> is the one switch that dispatches them.
/// </summary>
internal enum TensorOp : byte
{
    Constant, Leaf,
    Add, Sub, Mul, Div, Neg, Scale,
    Exp, Log,
    Max, Where,
    Sum, SumAxis,
    Reshape, Transpose, Slice,
    MatMul,
    Elementwise,
    Conv2d, MaxPool2d, AvgPool2d,
}
