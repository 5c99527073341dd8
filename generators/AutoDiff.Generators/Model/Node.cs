namespace AutoDiff.Generators.Model;

/// <summary>
/// The operations of the expression graph. What each one means, how it folds, differentiates and is
/// spelled is one row of <see cref="Ops"/>; comparisons and logic appear only as conditions.
/// </summary>
internal enum Op : byte
{
    /// <summary>A number, <see cref="Node.Value"/>.</summary>
    Const,
    /// <summary>A floating-point variable named <see cref="Node.Name"/>: a parameter (in an activation, x or one of its constants) or a local.</summary>
    Var,
    /// <summary>The forward output f(x), available to backward kernels.</summary>
    Y,
    /// <summary>
    /// Another <c>[Differentiable]</c> method <see cref="Node.Name"/> (fully qualified), or its derivative of
    /// order <see cref="Node.Value"/> in its first argument, at the arguments <see cref="Node.Args"/>.
    /// <see cref="Node.Text"/> is the callee's parameter shape, a letter per parameter: s a differentiated
    /// floating scalar, c a constant one, v a differentiated span or array, k a constant one, i an int or bool.
    /// </summary>
    Call,
    /// <summary>The element <see cref="Node.A"/> (an <see cref="Int"/>) of span or array parameter <see cref="Node.Name"/>.</summary>
    Index,
    /// <summary>An int expression <see cref="Node.Name"/> (C# text) used as a number.</summary>
    Int,
    /// <summary>
    /// ∂f/∂p of the call f = <see cref="Node.Name"/>(<see cref="Node.Args"/>) for its parameter number
    /// <see cref="Node.Value"/>, from the callee's generated Gradient (one call gives every partial).
    /// </summary>
    Partial,
    /// <summary>∇f·t of the call: the callee's generated Tangent at <see cref="Node.Args"/> (its arguments, then one tangent per differentiated parameter).</summary>
    TangentCall,
    Add, Sub, Mul, Div, Neg,
    Exp, Log, Log2, Log10, Sqrt, Cbrt, Abs,
    Tanh, Sinh, Cosh, Sin, Cos, Tan, Asin, Acos, Atan,
    Floor, Ceiling, Round, Truncate,
    Pow, Max, Min,
    /// <summary><c>A ? B : C</c>.</summary>
    Cond,
    Lt, Le, Gt, Ge, Eq, Ne, And, Or, Not,
}

/// <summary>One node of a hash-consed expression graph; children are node indices.</summary>
/// <remarks><see cref="Generic"/> marks a call to a generic <c>[Differentiable]</c> method (its function object needs a type argument).</remarks>
internal readonly record struct Node(Op Op, int A, int B, int C, double Value, string? Name, EquatableArray<int> Args, bool Generic = false, string? Text = null)
{
    public static Node Of(Op op, int a = -1, int b = -1, int c = -1) => new(op, a, b, c, 0, null, default);

    /// <summary>Leaves, never worth a local of their own: numbers, variables, span elements, ints, y.</summary>
    public bool IsLeaf => Op is Op.Const or Op.Var or Op.Y or Op.Int or Op.Index;

    public bool IsCondition => Op is Op.Lt or Op.Le or Op.Gt or Op.Ge or Op.Eq or Op.Ne or Op.And or Op.Or or Op.Not;
}
