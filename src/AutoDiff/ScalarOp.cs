namespace AutoDiff;

/// <summary>The scalar primitives. Each one's rules are its row in <see cref="ScalarRules"/>.</summary>
internal enum ScalarOp : byte
{
    Constant, Leaf,
    Add, Sub, Mul, Div, Neg,
    AddConst, SubFromConst, MulConst, DivConst, DivIntoConst, PowConst,
    Exp, Log, Sqrt, Abs, Max, Min,
    /// <summary>A custom unary op whose local derivative was computed when it was recorded (and its function object, if any).</summary>
    Unary,
    /// <summary>A custom n-ary op (<see cref="Scalar.Function"/>) whose partials were computed when it was recorded.</summary>
    Function,
    /// <summary>A partial known to first order only (of a Unary without a Derivative, or of a Function); A is the op it belongs to.</summary>
    Opaque,
}
