using System.Numerics;
using Onnx;

namespace AutoDiff.Onnx;

/// <summary>
/// Writes an activation's <see cref="ElementwiseFunction{T}.Describe"/> as the body of an ONNX function
/// <c>y = f(x)</c>: one node per operation (a subexpression used twice is written once), constants as
/// scalar <c>Constant</c> nodes of the model's element type, conditions as bool tensors with a
/// <c>Cast</c> wherever a number is needed (and back).
/// </summary>
internal static class ExpressionExporter
{
    /// <summary>The ONNX operator for each expression operation, with its operand and result kinds.</summary>
    private static (string Op, Kind[] Operands, Kind Result) Signature(ExpressionOp op) => op switch
    {
        ExpressionOp.Add => ("Add", [Kind.Number, Kind.Number], Kind.Number),
        ExpressionOp.Sub => ("Sub", [Kind.Number, Kind.Number], Kind.Number),
        ExpressionOp.Mul => ("Mul", [Kind.Number, Kind.Number], Kind.Number),
        ExpressionOp.Div => ("Div", [Kind.Number, Kind.Number], Kind.Number),
        ExpressionOp.Pow => ("Pow", [Kind.Number, Kind.Number], Kind.Number),
        ExpressionOp.Max => ("Max", [Kind.Number, Kind.Number], Kind.Number),
        ExpressionOp.Min => ("Min", [Kind.Number, Kind.Number], Kind.Number),
        ExpressionOp.Neg => ("Neg", [Kind.Number], Kind.Number),
        ExpressionOp.Exp => ("Exp", [Kind.Number], Kind.Number),
        ExpressionOp.Log => ("Log", [Kind.Number], Kind.Number),
        ExpressionOp.Sqrt => ("Sqrt", [Kind.Number], Kind.Number),
        ExpressionOp.Abs => ("Abs", [Kind.Number], Kind.Number),
        ExpressionOp.Sign => ("Sign", [Kind.Number], Kind.Number),
        ExpressionOp.Tanh => ("Tanh", [Kind.Number], Kind.Number),
        ExpressionOp.Sinh => ("Sinh", [Kind.Number], Kind.Number),
        ExpressionOp.Cosh => ("Cosh", [Kind.Number], Kind.Number),
        ExpressionOp.Sin => ("Sin", [Kind.Number], Kind.Number),
        ExpressionOp.Cos => ("Cos", [Kind.Number], Kind.Number),
        ExpressionOp.Tan => ("Tan", [Kind.Number], Kind.Number),
        ExpressionOp.Asin => ("Asin", [Kind.Number], Kind.Number),
        ExpressionOp.Acos => ("Acos", [Kind.Number], Kind.Number),
        ExpressionOp.Atan => ("Atan", [Kind.Number], Kind.Number),
        ExpressionOp.Floor => ("Floor", [Kind.Number], Kind.Number),
        ExpressionOp.Ceiling => ("Ceil", [Kind.Number], Kind.Number),
        ExpressionOp.Round => ("Round", [Kind.Number], Kind.Number), // both round half to even
        ExpressionOp.Less => ("Less", [Kind.Number, Kind.Number], Kind.Bool),
        ExpressionOp.LessOrEqual => ("LessOrEqual", [Kind.Number, Kind.Number], Kind.Bool),
        ExpressionOp.Greater => ("Greater", [Kind.Number, Kind.Number], Kind.Bool),
        ExpressionOp.GreaterOrEqual => ("GreaterOrEqual", [Kind.Number, Kind.Number], Kind.Bool),
        ExpressionOp.Equal => ("Equal", [Kind.Number, Kind.Number], Kind.Bool),
        ExpressionOp.And => ("And", [Kind.Bool, Kind.Bool], Kind.Bool),
        ExpressionOp.Or => ("Or", [Kind.Bool, Kind.Bool], Kind.Bool),
        ExpressionOp.Not => ("Not", [Kind.Bool], Kind.Bool),
        ExpressionOp.Where => ("Where", [Kind.Bool, Kind.Number, Kind.Number], Kind.Number),
        _ => throw new NotSupportedException($"The expression operation {op} has no ONNX operator."),
    };

    private enum Kind { Number, Bool }

    private readonly record struct Value(string Name, Kind Kind, bool DependsOnInput);

    /// <summary>
    /// The function <c>y = f(x)</c> for <paramref name="function"/>, from its description; its
    /// <see cref="FunctionProto.DocString"/> is the activation's <see cref="ElementwiseFunction{T}.Name"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The activation has no description.</exception>
    public static FunctionProto Function<T>(ElementwiseFunction<T> function) where T : IFloatingPointIeee754<T>
    {
        var x = ElementwiseExpression.Input();
        var root = function.Describe(x) ?? throw new NotSupportedException(
            $"Activation '{function.Name}' cannot be exported to ONNX: it has no description (its Describe returns null). " +
            "Mark it [Differentiable] so that the generator writes one, or override Describe to return it as an ElementwiseExpression.");
        var f = new FunctionProto { DocString = function.Name };
        f.Input.Add("x");
        f.Output.Add("y");
        f.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxGraphWriter<T>.Opset });
        var nodes = f.Node;
        var written = new Dictionary<ElementwiseExpression, Value>(ReferenceEqualityComparer.Instance);

        string Add(string op, IEnumerable<string> inputs, params AttributeProto[] attributes)
        {
            string output = $"t{nodes.Count}";
            nodes.Add(OnnxGraphWriter<T>.NewNode(op, $"{op}_{nodes.Count}", inputs, output, attributes));
            return output;
        }
        string As(Value v, Kind kind) => v.Kind == kind ? v.Name
            : Add("Cast", [v.Name], OnnxGraphWriter<T>.IntAttribute("to", kind == Kind.Bool ? OnnxTensors.Bool : OnnxTensors.ElementType<T>()));

        // Post-order without recursion: a long chain of operations must not overflow the stack.
        var stack = new Stack<(ElementwiseExpression E, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (e, expanded) = stack.Pop();
            if (written.ContainsKey(e)) continue;
            if (e.Op == ExpressionOp.Input) { written[e] = new("x", Kind.Number, true); continue; }
            if (e.Op == ExpressionOp.Constant)
            {
                var value = OnnxTensors.Of<T>("", [T.CreateTruncating(e.Value)], []);
                written[e] = new(Add("Constant", [], OnnxGraphWriter<T>.TensorAttribute("value", value)), Kind.Number, false);
                continue;
            }
            if (!expanded)
            {
                stack.Push((e, true));
                for (int i = e.Inputs.Count - 1; i >= 0; i--) stack.Push((e.Inputs[i], false));
                continue;
            }
            var (op, operands, result) = Signature(e.Op);
            var inputs = new string[operands.Length];
            bool depends = false;
            for (int i = 0; i < operands.Length; i++)
            {
                var v = written[e.Inputs[i]];
                inputs[i] = As(v, operands[i]);
                depends |= v.DependsOnInput;
            }
            written[e] = new(Add(op, inputs), result, depends);
        }

        var y = written[root];
        string last = y.Kind == Kind.Bool ? As(y, Kind.Number)
            : y.Name == "x" ? Add("Identity", ["x"])
            : !y.DependsOnInput ? Add("Expand", [y.Name, Add("Shape", ["x"])]) // a constant function still has x's shape
            : y.Name;
        if (last != nodes[^1].Output[0]) last = Add("Identity", [last]);
        nodes[^1].Output[0] = "y";
        return f;
    }
}
