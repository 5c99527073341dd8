namespace AutoDiff;

/// <summary>
/// The scalar primitives. Each one's rules are its row in <see cref="ScalarRules"/>. The order is the
/// sweep's: two-input ops whose partials are stored (Add … Div), then one-input ops whose partial is
/// stored (Neg … Unary), then the ops the sweep treats one by one (Max, Min, Function, Opaque).
/// </summary>
internal enum ScalarOp : byte
{
    Constant, Leaf,
    Add, Sub, Mul, Div,
    Neg, AddConst, SubFromConst, MulConst, DivConst, DivIntoConst, PowConst, Exp, Log, Sqrt, Abs,
    /// <summary>A custom unary op whose local derivative was computed when it was recorded (and its function object, if any).</summary>
    Unary,
    Max, Min,
    /// <summary>A custom n-ary op (<see cref="Scalar.Function"/>) whose partials were computed when it was recorded.</summary>
    Function,
    /// <summary>
    /// A partial known only as a number (of a Unary whose function's chain ends, or of a Function): A is the
    /// op it belongs to, B the index in Consts whose UnaryFunctions entry names the function (or null).
    /// </summary>
    Opaque,
}
