namespace AutoDiff;

/// <summary>The scalar primitives. Each one's backward rule is in <see cref="Tape"/>'s scalar sweep.</summary>
internal enum ScalarOp : byte
{
    Constant, Leaf,
    Add, Sub, Mul, Div, Neg,
    AddConst, SubFromConst, MulConst, DivConst, DivIntoConst, PowConst,
    Exp, Log, Sqrt, Abs, Max, Min, Relu,
    /// <summary>A custom unary op whose local derivative was computed when it was recorded (and its function object, if any).</summary>
    Unary,
    /// <summary>A custom n-ary op (<see cref="Scalar.Function"/>) whose partials were computed when it was recorded.</summary>
    Function,
}
