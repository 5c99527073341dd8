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
    /// order <see cref="Node.Value"/>, at the arguments <see cref="Node.Args"/> (only the first is differentiated).
    /// </summary>
    Call,
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
internal readonly record struct Node(Op Op, int A, int B, int C, double Value, string? Name, EquatableArray<int> Args, bool Generic = false)
{
    public static Node Of(Op op, int a = -1, int b = -1, int c = -1) => new(op, a, b, c, 0, null, default);

    public bool IsLeaf => Op is Op.Const or Op.Var or Op.Y;

    public bool IsCondition => Op is Op.Lt or Op.Le or Op.Gt or Op.Ge or Op.Eq or Op.Ne or Op.And or Op.Or or Op.Not;
}
