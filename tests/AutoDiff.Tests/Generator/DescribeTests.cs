using Xunit;
using Act = AutoDiff.Activations;

namespace AutoDiff.Tests.Generator;

/// <summary>
/// <see cref="ElementwiseFunction{T}.Describe"/> of generated activations: the expression, run by a
/// small interpreter written here, equals <see cref="ElementwiseFunction{T}.Forward"/> on random inputs,
/// for every built-in activation and every object of its derivative chain; shared values are one object.
/// </summary>
public class DescribeTests
{
    /// <summary>Every activation with a description, and the objects of its derivative chain.</summary>
    public static TheoryData<string, int> Described()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Functions.Keys)
            for (int order = 0; order <= 3; order++) data.Add(name, order);
        return data;
    }

    private static readonly Dictionary<string, ElementwiseFunction<double>> Functions = new()
    {
        ["linear"] = Act.LinearFunction<double>(),
        ["step"] = Act.BinaryStepFunction<double>(),
        ["sigmoid"] = Act.SigmoidFunction<double>(),
        ["tanh"] = Act.TanhFunction<double>(),
        ["relu"] = Act.ReluFunction<double>(),
        ["leakyrelu"] = Act.LeakyReluFunction<double>(),
        ["leakyrelu(0.2)"] = Act.LeakyReluFunction<double>(0.2),
        ["elu"] = Act.EluFunction<double>(),
        ["elu(0.5)"] = Act.EluFunction<double>(0.5),
        ["softplus"] = Act.SoftplusFunction<double>(),
        ["mixed (log2, log10, pow, max, min, ≠, int and float constants)"] = ChainActivations.MixedFunction(4, 0.25f),
        ["swoosh(β = 1.5)"] = ChainActivations.SwooshFunction<double>(1.5),
        ["calls (elu(0.5) + swoosh·tanh)"] = ChainActivations.CallsFunction(),
    };

    private static ElementwiseFunction<double> Chain(string name, int order)
    {
        var f = Functions[name];
        for (int k = 0; k < order; k++) f = f.Derivative ?? throw new InvalidOperationException($"{f.Name} has no Derivative");
        return f;
    }

    [Theory]
    [MemberData(nameof(Described))]
    public void DescriptionEvaluatesToForward(string name, int order)
    {
        var f = Chain(name, order);
        var input = ElementwiseExpression.Input();
        var description = f.Describe(input);
        Assert.NotNull(description);
        var rng = new Random(name.Length * 31 + order);
        var x = Enumerable.Range(0, 64).Select(_ => Math.Round(rng.NextDouble() * 10 - 5, 6)).Append(0.0).Append(1.0).Append(-1.0).ToArray();
        var y = new double[x.Length];
        f.Forward(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double interpreted = Interpreter.Evaluate(description!, input, x[i]);
            Assert.True(Math.Abs(interpreted - y[i]) <= 1e-12 * Math.Max(1, Math.Abs(y[i])),
                $"{f.Name} at {x[i]:R}: description {interpreted:R}, Forward {y[i]:R}\n{description}");
        }
    }

    [Theory]
    [MemberData(nameof(Described))]
    public void SharedValuesAreOneObject(string name, int order)
    {
        var description = Chain(name, order).Describe(ElementwiseExpression.Input())!;
        // structurally equal operations (inputs compared by reference) must be the same object
        var seen = new Dictionary<(ExpressionOp, double, string), ElementwiseExpression>();
        var ids = new Dictionary<ElementwiseExpression, int>(ReferenceEqualityComparer.Instance);
        foreach (var node in Interpreter.PostOrder(description))
        {
            ids[node] = ids.Count;
            if (node.Op is ExpressionOp.Constant or ExpressionOp.Input) continue;
            var key = (node.Op, node.Value, string.Join(",", node.Inputs.Select(i => ids[i])));
            if (seen.TryGetValue(key, out var other))
                Assert.Fail($"{name} order {order}: {node} is built twice");
            seen[key] = node;
        }
    }

    [Fact]
    public void SigmoidReusesItsExponential()
    {
        var description = Act.SigmoidFunction<double>().Describe(ElementwiseExpression.Input())!;
        var exps = Interpreter.PostOrder(description).Where(n => n.Op == ExpressionOp.Exp).ToList();
        Assert.Single(exps); // e^{−|z|} appears three times in σ and is built once
    }

    [Fact]
    public void FloatObjectsDescribeTheSameFunction()
    {
        var input = ElementwiseExpression.Input();
        var d = Act.SoftplusFunction<float>().Derivative!.Describe(input)!;
        float[] x = [-3f, -0.5f, 0f, 2f];
        var y = new float[x.Length];
        Act.SoftplusFunction<float>().Derivative!.Forward(x, y);
        for (int i = 0; i < x.Length; i++) Assert.Equal(y[i], Interpreter.Evaluate(d, input, x[i]), 5);
    }

    [Fact]
    public void WithoutAnExpressionOpTheDescriptionIsNull()
    {
        Assert.Null(ChainActivations.CubeRootFunction().Describe(ElementwiseExpression.Input()));
        Assert.Null(ChainActivations.CallsCubeRootFunction().Describe(ElementwiseExpression.Input())); // the callee's null goes through
        Assert.Null(ChainActivations.CubeRootFunction().Derivative!.Describe(ElementwiseExpression.Input())); // f′ has the cube root too
    }

    [Fact]
    public void DescribeRejectsNull()
        => Assert.Throws<ArgumentNullException>(() => Act.SigmoidFunction<double>().Describe(null!));
}

/// <summary>Evaluates an <see cref="ElementwiseExpression"/> at a number: the reference for descriptions. Conditions are 1 or 0.</summary>
internal static class Interpreter
{
    public static double Evaluate(ElementwiseExpression e, ElementwiseExpression input, double x)
    {
        var values = new Dictionary<ElementwiseExpression, double>(ReferenceEqualityComparer.Instance);
        foreach (var node in PostOrder(e))
        {
            double A(int i) => values[node.Inputs[i]];
            values[node] = node.Op switch
            {
                ExpressionOp.Input => ReferenceEquals(node, input) ? x : throw new InvalidOperationException("a foreign input"),
                ExpressionOp.Constant => node.Value,
                ExpressionOp.Add => A(0) + A(1),
                ExpressionOp.Sub => A(0) - A(1),
                ExpressionOp.Mul => A(0) * A(1),
                ExpressionOp.Div => A(0) / A(1),
                ExpressionOp.Neg => -A(0),
                ExpressionOp.Exp => Math.Exp(A(0)),
                ExpressionOp.Log => Math.Log(A(0)),
                ExpressionOp.Sqrt => Math.Sqrt(A(0)),
                ExpressionOp.Abs => Math.Abs(A(0)),
                ExpressionOp.Sign => Math.Sign(A(0)),
                ExpressionOp.Tanh => Math.Tanh(A(0)),
                ExpressionOp.Sinh => Math.Sinh(A(0)),
                ExpressionOp.Cosh => Math.Cosh(A(0)),
                ExpressionOp.Sin => Math.Sin(A(0)),
                ExpressionOp.Cos => Math.Cos(A(0)),
                ExpressionOp.Tan => Math.Tan(A(0)),
                ExpressionOp.Asin => Math.Asin(A(0)),
                ExpressionOp.Acos => Math.Acos(A(0)),
                ExpressionOp.Atan => Math.Atan(A(0)),
                ExpressionOp.Floor => Math.Floor(A(0)),
                ExpressionOp.Ceiling => Math.Ceiling(A(0)),
                ExpressionOp.Round => Math.Round(A(0), MidpointRounding.ToEven),
                ExpressionOp.Pow => Math.Pow(A(0), A(1)),
                ExpressionOp.Max => Math.Max(A(0), A(1)),
                ExpressionOp.Min => Math.Min(A(0), A(1)),
                ExpressionOp.Where => A(0) != 0 ? A(1) : A(2),
                ExpressionOp.Less => A(0) < A(1) ? 1 : 0,
                ExpressionOp.LessOrEqual => A(0) <= A(1) ? 1 : 0,
                ExpressionOp.Greater => A(0) > A(1) ? 1 : 0,
                ExpressionOp.GreaterOrEqual => A(0) >= A(1) ? 1 : 0,
                ExpressionOp.Equal => A(0) == A(1) ? 1 : 0,
                ExpressionOp.And => A(0) != 0 && A(1) != 0 ? 1 : 0,
                ExpressionOp.Or => A(0) != 0 || A(1) != 0 ? 1 : 0,
                ExpressionOp.Not => A(0) != 0 ? 0 : 1,
                _ => throw new InvalidOperationException($"no rule for {node.Op}"),
            };
        }
        return values[e];
    }

    /// <summary>Each distinct node once (by reference), inputs before the nodes that use them.</summary>
    public static List<ElementwiseExpression> PostOrder(ElementwiseExpression root)
    {
        var order = new List<ElementwiseExpression>();
        var seen = new HashSet<ElementwiseExpression>(ReferenceEqualityComparer.Instance);
        void Visit(ElementwiseExpression e)
        {
            if (!seen.Add(e)) return;
            foreach (var i in e.Inputs) Visit(i);
            order.Add(e);
        }
        Visit(root);
        return order;
    }
}
