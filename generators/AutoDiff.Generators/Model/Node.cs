namespace AutoDiff.Generators.Model;

/// <summary>The operations of the expression graph. Comparisons and logic appear only as conditions.</summary>
internal enum Op : byte
{
    /// <summary>A number, <see cref="Node.Value"/>.</summary>
    Const,
    /// <summary>The differentiated parameter.</summary>
    X,
    /// <summary>The forward output f(x), available to backward kernels.</summary>
    Y,
    /// <summary>A constant parameter of the activation, <see cref="Node.Name"/>.</summary>
    Param,
    Add, Sub, Mul, Div, Neg,
    Exp, Log, Log2, Log10, Sqrt, Cbrt, Abs, Sign,
    Tanh, Sinh, Cosh, Sin, Cos, Tan, Asin, Acos, Atan,
    Floor, Ceiling, Round, Truncate,
    Pow, Max, Min,
    /// <summary><c>A ? B : C</c>.</summary>
    Cond,
    Lt, Le, Gt, Ge, Eq, Ne, And, Or, Not,
    /// <summary>
    /// Another <c>[Differentiable]</c> method <see cref="Node.Name"/> (fully qualified), or its derivative
    /// of order <see cref="Node.Value"/>, at argument <see cref="Node.A"/> with constant arguments <see cref="Node.Args"/>.
    /// </summary>
    Call,
}

/// <summary>One node of a hash-consed expression graph; children are node indices.</summary>
/// <remarks><see cref="Generic"/> marks a call to a generic <c>[Differentiable]</c> method (its function object needs a type argument).</remarks>
internal readonly record struct Node(Op Op, int A, int B, int C, double Value, string? Name, EquatableArray<int> Args, bool Generic = false)
{
    public static Node Of(Op op, int a = -1, int b = -1, int c = -1) => new(op, a, b, c, 0, null, default);

    public bool IsLeaf => Op is Op.Const or Op.X or Op.Y or Op.Param;

    public bool IsCondition => Op is Op.Lt or Op.Le or Op.Gt or Op.Ge or Op.Eq or Op.Ne or Op.And or Op.Or or Op.Not;
}
