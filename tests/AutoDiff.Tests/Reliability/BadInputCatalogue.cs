using AutoDiff.Kernels;
using AutoDiff.Nn;

namespace AutoDiff.Tests.Reliability;

/// <summary>One bad input: what it calls, the exception type documented for it, and words its message must contain.</summary>
public sealed record BadInput(string Area, string Name, Action Run, Type Expected, string[] Says)
{
    public override string ToString() => $"{Area}: {Name}";
}

/// <summary>
/// The catalogue of bad inputs over every public entry point, one line each. Tape, tensor, layer,
/// loss and optimiser rows are here; files, data, the demo's options and GradCheck are in
/// <c>BadInputCatalogue.Files.cs</c>.
/// </summary>
public static partial class BadInputCatalogue
{
    private static BadInput B<TException>(string area, string name, Action run, params string[] says) where TException : Exception =>
        new(area, name, run, typeof(TException), says);

    private static Tensor<double> Z(params int[] shape) => Tensor.Zeros<double>(shape);

    private static Var<double> V(Tape t, params int[] shape) => t.Track(Z(shape));

    /// <summary>A tape whose value <c>x</c> was recorded before a reset.</summary>
    private static (Tape Tape, Var<double> Stale) Reset()
    {
        var t = new Tape();
        var x = V(t, 2);
        t.Reset();
        return (t, x);
    }

    private static Mlp<double> Net() => new([3, 4, 2], [AutoDiff.Activations.TanhFunction<double>(), null], seed: 1);

    public static IEnumerable<BadInput> Core()
    {
        const string S = "shapes and tensors", T = "tape ops";
        yield return B<ArgumentOutOfRangeException>(S, "negative dimension", () => _ = new Shape(2, -1), "negative dimension -1 at axis 1");
        yield return B<ArgumentNullException>(S, "null dimensions", () => _ = new Shape(null!), "dims");
        yield return B<ArgumentOutOfRangeException>(S, "more elements than an array holds", () => _ = new Shape(65536, 65536), "more than");
        yield return B<ArgumentException>(S, "data shorter than the shape", () => _ = new Tensor<double>(new double[5], new Shape(2, 3)), "needs 6 elements", "has 5");
        yield return B<ArgumentNullException>(S, "null data", () => _ = new Tensor<double>(null!, new Shape(2)), "data");
        yield return B<ArgumentException>(S, "From with too few values", () => Tensor.From<double>([1, 2, 3], 2, 2), "needs 4 elements");
        yield return B<ArgumentNullException>(S, "From with a null shape", () => Tensor.From<double>([1, 2], null!), "shape");
        yield return B<ArgumentOutOfRangeException>(S, "Zeros with a negative size", () => Tensor.Zeros<float>(3, -2), "negative");
        yield return B<ArgumentOutOfRangeException>(S, "Uniform with NaN bounds", () => Tensor.Uniform<double>(new Random(1), double.NaN, 1, 3), "finite bounds");
        yield return B<ArgumentOutOfRangeException>(S, "Uniform with low > high", () => Tensor.Uniform<double>(new Random(1), 2, 1, 3), "low ≤ high");
        yield return B<ArgumentOutOfRangeException>(S, "Normal with a negative std", () => Tensor.Normal<double>(new Random(1), -1, 3), "standard deviation");
        yield return B<ArgumentNullException>(S, "Normal without a generator", () => Tensor.Normal<double>(null!, 1, 3), "random");
        yield return B<ArgumentException>(S, "index of the wrong rank", () => _ = Z(2, 3)[1], "1 coordinates", "rank 2");
        yield return B<ArgumentOutOfRangeException>(S, "index out of range", () => _ = Z(2, 3)[1, 3], "Index 3 on axis 1");
        yield return B<InvalidOperationException>(S, "Item of three elements", () => _ = Z(3).Item, "one element", "[3]");
        yield return B<ShapeMismatchException>(S, "tensor reshape to another length", () => Z(2, 3).Reshape(4), "[2, 3]", "[4]");

        yield return B<ShapeMismatchException>(T, "add [2, 3] + [2]", () => { var t = new Tape(); _ = V(t, 2, 3) + V(t, 2); }, "Add", "[2, 3]", "[2]");
        yield return B<ShapeMismatchException>(T, "max [4] and [3]", () => { var t = new Tape(); Var.Max(V(t, 4), V(t, 3)); }, "Max", "[4]", "[3]");
        yield return B<ShapeMismatchException>(T, "matmul inner dimensions", () => { var t = new Tape(); V(t, 2, 3).MatMul(V(t, 4, 5)); }, "inner dimensions 3 and 4");
        yield return B<ShapeMismatchException>(T, "matmul of a rank-0 value", () => { var t = new Tape(); V(t).MatMul(V(t, 3)); }, "rank-0", "[]", "[3]");
        yield return B<ShapeMismatchException>(T, "matmul of vectors of two lengths", () => { var t = new Tape(); V(t, 3).MatMul(V(t, 4)); }, "[3]", "[4]", "inner dimensions 3 and 4");
        yield return B<ShapeMismatchException>(T, "batched matmul, unequal batches", () => { var t = new Tape(); V(t, 2, 2, 3).MatMul(V(t, 3, 3, 4)); }, "batch dimensions", "[2, 2, 3]", "[3, 3, 4]");
        yield return B<ShapeMismatchException>(T, "where of three shapes", () => { var t = new Tape(); Var.Where(V(t, 2), V(t, 2), V(t, 3)); }, "Where", "[3]");
        yield return B<ShapeMismatchException>(T, "where whose branches do not broadcast", () => { var t = new Tape(); Var.Where(V(t, 2, 1), V(t, 3), V(t, 4)); }, "[2, 1]", "[3]", "[4]");
        yield return B<ArgumentException>(T, "permute with two axes for rank 3", () => { var t = new Tape(); V(t, 2, 3, 4).Permute(1, 0); }, "needs 3 axes", "[1, 0]");
        yield return B<ArgumentException>(T, "permute with a repeated axis", () => { var t = new Tape(); V(t, 2, 3, 4).Permute(0, -3, 1); }, "appears twice");
        yield return B<ArgumentOutOfRangeException>(T, "permute with axis 3 of rank 3", () => { var t = new Tape(); V(t, 2, 3, 4).Permute(0, 1, 3); }, "axis 3 at position 2");
        yield return B<ArgumentOutOfRangeException>(T, "transpose of axes 0 and 3 of rank 3", () => { var t = new Tape(); V(t, 2, 3, 4).Transpose(0, 3); }, "axis 3", "[2, 3, 4]", "axis1");
        yield return B<ArgumentException>(T, "sum over no axes", () => { var t = new Tape(); V(t, 2, 3).Sum([]); }, "empty list of axes");
        yield return B<ArgumentException>(T, "sum over axes 0 and −2 of a matrix", () => { var t = new Tape(); V(t, 2, 3).Sum([0, -2]); }, "axis -2 appears twice");
        yield return B<ArgumentOutOfRangeException>(T, "mean over axes 0 and 2 of a matrix", () => { var t = new Tape(); V(t, 2, 3).Mean([0, 2]); }, "axis 2 at position 1", "[2, 3]");
        yield return B<InvalidOperationException>(T, "mean over an empty axis of two", () => { var t = new Tape(); V(t, 3, 0).Mean([0, 1]); }, "empty");
        yield return B<ArgumentException>(T, "pow by NaN", () => { var t = new Tape(); V(t, 2).Pow(double.NaN); }, "exponent", "NaN");
        yield return B<ArgumentException>(T, "clamp with min > max", () => { var t = new Tape(); V(t, 2).Clamp(1, -1); }, "min ≤ max", "min = 1, max = -1");
        yield return B<ArgumentException>(T, "clamp with a NaN bound", () => { var t = new Tape(); V(t, 2).Clamp(double.NaN, 1); }, "min = NaN");
        yield return B<ArgumentException>(T, "max over an empty axis", () => { var t = new Tape(); V(t, 2, 0).Max(1); }, "Max over axis 1", "empty");
        yield return B<ArgumentException>(T, "min over an axis of a rank-0 value", () => { var t = new Tape(); V(t).Min(0); }, "rank 1");
        yield return B<ArgumentException>(T, "argmax of an empty tensor", () => { var t = new Tape(); V(t, 0).ArgMax(); }, "ArgMax", "empty");
        yield return B<ArgumentException>(T, "concat of no tensors", () => Var.Concat<double>([]), "at least one");
        yield return B<ShapeMismatchException>(T, "concat of shapes that differ off the axis", () => { var t = new Tape(); Var.Concat([V(t, 2, 3), V(t, 2, 4), V(t, 3, 4)], axis: 1); }, "input 2", "[2, 3], [2, 4], [3, 4]");
        yield return B<ArgumentException>(T, "concat of rank-0 values", () => { var t = new Tape(); Var.Concat([V(t), V(t)]); }, "rank-0", "Stack");
        yield return B<InvalidOperationException>(T, "concat of values of two tapes", () => Var.Concat([V(new Tape(), 2), V(new Tape(), 2)]), "different tapes");
        yield return B<ShapeMismatchException>(T, "stack of two shapes", () => { var t = new Tape(); Var.Stack([V(t, 2), V(t, 2), V(t, 3)]); }, "input 2", "[2], [2], [3]");
        yield return B<ArgumentOutOfRangeException>(T, "stack along axis 3 of a rank-2 result", () => { var t = new Tape(); Var.Stack([V(t, 2), V(t, 2)], axis: 3); }, "axis 3", "rank 2");
        yield return B<ArgumentOutOfRangeException>(T, "index select of row 5 of 4", () => { var t = new Tape(); V(t, 4, 2).IndexSelect(0, [1, 5]); }, "index 5 at position 1", "0..3");
        yield return B<ArgumentOutOfRangeException>(T, "index select of index −1", () => { var t = new Tape(); V(t, 4, 2).IndexSelect(1, [-1]); }, "index -1 at position 0", "[4, 2]");
        yield return B<ArgumentException>(T, "index select of a rank-0 value", () => { var t = new Tape(); V(t).IndexSelect(0, [0]); }, "rank 1");
        yield return B<ArgumentOutOfRangeException>(T, "sum over axis 2 of a matrix", () => { var t = new Tape(); V(t, 2, 3).Sum(2); }, "Axis 2", "[2, 3]");
        yield return B<ArgumentOutOfRangeException>(T, "reshape with −2", () => { var t = new Tape(); V(t, 2, 3).Reshape(-2, 3); }, "negative");
        yield return B<ShapeMismatchException>(T, "reshape −1 that does not divide", () => { var t = new Tape(); V(t, 2, 3).Reshape(-1, 4); }, "6 elements");
        yield return B<ArgumentException>(T, "transpose of a vector", () => { var t = new Tape(); V(t, 3).Transpose(); }, "rank 2");
        yield return B<InvalidOperationException>(T, "mean of an empty tensor", () => { var t = new Tape(); V(t, 0, 3).Mean(); }, "empty");
        yield return B<InvalidOperationException>(T, "mean over an empty axis", () => { var t = new Tape(); V(t, 3, 0).Mean(1); }, "empty");
        yield return B<ArgumentException>(T, "softmax over an empty axis", () => { var t = new Tape(); V(t, 2, 0).Softmax(); }, "empty");
        yield return B<ArgumentException>(T, "log-sum-exp over an empty axis", () => { var t = new Tape(); V(t, 2, 0).LogSumExp(); }, "empty");
        yield return B<ArgumentNullException>(T, "apply a null function", () => { var t = new Tape(); V(t, 2).Apply(null!); }, "f");
        yield return B<ArgumentNullException>(T, "track null", () => new Tape().Track<double>(null!), "value");
        yield return B<ArgumentException>(T, "constant span of the wrong length", () => new Tape().Constant<double>(new double[5], new Shape(2, 3)), "needs 6 values but 5");
        yield return B<InvalidOperationException>(T, "values of two tapes", () => { _ = V(new Tape(), 2) + V(new Tape(), 2); }, "different tapes");
        yield return B<InvalidOperationException>(T, "scalars of two tapes", () => { _ = new Tape().Variable(1) + new Tape().Variable(2); }, "different tapes");
        yield return B<InvalidOperationException>(T, "backward of another tape's value", () => new Tape().Backward(V(new Tape(), 1).Sum()), "another tape");
        yield return B<InvalidOperationException>(T, "a value from before Reset", () => { var (_, x) = Reset(); x.Exp(); }, "before Reset()");
        yield return B<InvalidOperationException>(T, "backward of a value from before Reset", () => { var (t, x) = Reset(); t.Backward(x.Sum()); }, "before Reset()");
        yield return B<InvalidOperationException>(T, "gradient of a value from before Reset", () => { var (t, x) = Reset(); t.Gradient(V(t, 1).Sum(), x); }, "before Reset()");
        yield return B<InvalidOperationException>(T, "scalar value from before Reset", () => { var t = new Tape(); var s = t.Variable(1); t.Reset(); _ = s.Value; }, "before Reset()");
        yield return B<InvalidOperationException>(T, "default Var", () => default(Var<double>).Exp(), "default-initialised");
        yield return B<InvalidOperationException>(T, "default Scalar", () => Scalar.Exp(default), "default-initialised");
        yield return B<InvalidOperationException>(T, "backward of a non-scalar without a seed", () => { var t = new Tape(); t.Backward(V(t, 2, 2).Exp()); }, "one-element", "[2, 2]", "seed");
        yield return B<ShapeMismatchException>(T, "seed of the wrong shape", () => { var t = new Tape(); t.Backward(V(t, 2, 2).Exp(), Z(4)); }, "seed", "[2, 2]", "[4]");
        yield return B<ArgumentNullException>(T, "null seed", () => { var t = new Tape(); t.Backward(V(t, 2).Exp(), null!); }, "seed");
        yield return B<ArgumentNullException>(T, "gradient with respect to null", () => { var t = new Tape(); t.Gradient(V(t, 1).Sum(), null!); }, "wrt");
        yield return B<InvalidOperationException>(T, "gradient before any backward", () => { var t = new Tape(); _ = V(t, 2).Grad.ToArray(); }, "No gradient yet");
        yield return B<InvalidOperationException>(T, "gradient of a value recorded after the output", () =>
        {
            var t = new Tape();
            var x = V(t, 2);
            t.Backward(x.Sum());
            _ = x.Exp().Grad.ToArray();
        }, "No gradient yet");
        yield return B<InvalidOperationException>(T, "Item of a non-scalar value", () => { var t = new Tape(); _ = V(t, 3).Item; }, "one element", "[3]");
        yield return B<ArgumentNullException>(T, "DOT export without a name", () => { var t = new Tape(); GraphViz.ToDot(V(t, 1), null!); }, "name");
        yield return B<ArgumentException>(T, "unknown activation name", () => AutoDiff.Activations.ByName<float>("swishy"), "Unknown activation 'swishy'", "sigmoid");
        yield return B<ArgumentNullException>(T, "null activation name", () => AutoDiff.Activations.ByName<float>(null!), "name");
        yield return B<ArgumentException>(T, "activation kernel spans of two lengths", () =>
            AutoDiff.Activations.TanhFunction<double>().Forward(new double[3], new double[2]), "3", "2");
        yield return B<ArgumentOutOfRangeException>("kernels", "GEMM with negative m", () => Gemm.Multiply<double>(false, false, -1, 2, 2, new double[4], new double[4], new double[4], false), "m");
        yield return B<ArgumentException>("kernels", "GEMM with a short A", () => Gemm.Multiply<double>(false, false, 2, 2, 2, new double[3], new double[4], new double[4], false), "needs at least 4 elements");
        yield return B<ArgumentOutOfRangeException>("kernels", "zero threads", () => Parallelism.MaxThreads = 0, "value");
    }

    public static IEnumerable<BadInput> Networks()
    {
        const string L = "layers", Lo = "losses", O = "optimisers", M = "metrics and batches";
        yield return B<ArgumentOutOfRangeException>(L, "dense with 0 inputs", () => _ = new Dense<double>(0, 3, null, new Random(1)), "inputs");
        yield return B<ArgumentNullException>(L, "dense without a generator", () => _ = new Dense<double>(2, 3, null, null!), "random");
        yield return B<ArgumentException>(L, "dense weight of rank 1", () => _ = new Dense<double>(Z(3), Z(3), null), "[in, out]", "[3]");
        yield return B<ShapeMismatchException>(L, "dense bias of the wrong length", () => _ = new Dense<double>(Z(2, 3), Z(2), null), "bias must be [3]");
        yield return B<ShapeMismatchException>(L, "dense forward on [2, 4] for 3 inputs", () => { var t = new Tape(); new Dense<double>(3, 2, null, new Random(1)).Forward(V(t, 2, 4)); }, "[2, 4]", "[N, 3]");
        yield return B<ShapeMismatchException>(L, "dense forward on a vector", () => { var t = new Tape(); new Dense<double>(3, 2, null, new Random(1)).Forward(V(t, 3)); }, "[3]", "[N, 3]");
        yield return B<InvalidOperationException>(L, "dense forward on a default Var", () => new Dense<double>(3, 2, null, new Random(1)).Forward(default), "default-initialised");
        yield return B<ArgumentException>(L, "MLP with one size", () => _ = new Mlp<double>([3], [], 1), "at least an input and an output");
        yield return B<ArgumentException>(L, "MLP with too few activations", () => _ = new Mlp<double>([3, 4, 2], [null], 1), "[3, 4, 2] make 2 layers, which need 2 activations", "got 1");
        yield return B<ArgumentException>(L, "one-layer MLP with two activations", () => _ = new Mlp<double>([3, 2], [null, null], 1), "make 1 layer, which needs 1 activation", "got 2");
        yield return B<ShapeMismatchException>(L, "Predict on a tensor of the wrong width", () => Net().Predict(Z(5, 4)), "[5, 4]", "[N, 3]");
        yield return B<ArgumentOutOfRangeException>(L, "MLP with a layer of width 0", () => _ = new Mlp<double>([3, 0, 2], [null, null], 1), "size 0 at position 1");
        yield return B<ArgumentNullException>(L, "MLP without sizes", () => _ = new Mlp<double>(null!, [], 1), "sizes");
        yield return B<ArgumentException>(L, "MLP of layers that do not chain", () => _ = new Mlp<double>([new Dense<double>(3, 4, null, new Random(1)), new Dense<double>(5, 2, null, new Random(1))]), "takes 5 inputs", "gives 4");
        yield return B<ArgumentException>(L, "MLP of no layers", () => _ = new Mlp<double>(Array.Empty<Dense<double>>()), "at least one layer");
        yield return B<ArgumentException>(L, "predict with too few inputs", () => Net().Predict(new double[5], 2, new double[4]), "need 6 values; got 5");
        yield return B<ArgumentException>(L, "predict into a short output", () => Net().Predict(new double[6], 2, new double[3]), "need 4 values; got 3");
        yield return B<ArgumentOutOfRangeException>(L, "predict −1 rows", () => Net().Predict([], -1, []), "rows");
        yield return B<ArgumentException>(L, "parameter without a name", () => _ = new Parameter<double>("", Z(2)), "name");
        yield return B<ArgumentNullException>(L, "parameter without a value", () => _ = new Parameter<double>("w", null!), "value");
        yield return B<InvalidOperationException>(L, "gradient of a parameter never used", () => _ = new Parameter<double>("w", Z(2)).Grad.ToArray(), "w", "never used");
        yield return B<ArgumentNullException>(L, "parameter on a null tape", () => new Parameter<double>("w", Z(2)).On(null!), "tape");

        yield return B<ShapeMismatchException>(Lo, "L2 of [2, 3] against [3, 2]", () => { var t = new Tape(); Losses.L2(V(t, 2, 3), V(t, 3, 2)); }, "L2", "[2, 3]", "[3, 2]");
        yield return B<ArgumentOutOfRangeException>(Lo, "binary KL target 1.5", () => { var t = new Tape(); Losses.BinaryCrossEntropy(V(t, 2), t.Constant(Tensor.From<double>([0, 1.5]))); }, "flat index 1 is 1.5", "[0, 1]");
        yield return B<ArgumentOutOfRangeException>(Lo, "binary KL from logits, NaN target", () => { var t = new Tape(); Losses.BinaryCrossEntropyFromLogits(V(t, 2), t.Constant(Tensor.From<double>([double.NaN, 1]))); }, "flat index 0 is NaN");
        yield return B<ArgumentOutOfRangeException>(Lo, "cross-entropy target −0.5", () => { var t = new Tape(); Losses.CrossEntropy(V(t, 1, 2), t.Constant(Tensor.From<double>([-0.5, 1.5], 1, 2))); }, "-0.5");
        yield return B<ArgumentOutOfRangeException>(Lo, "KL target +∞", () => { var t = new Tape(); Losses.KL(V(t, 1, 2), t.Constant(Tensor.From<double>([double.PositiveInfinity, 0], 1, 2))); }, "flat index 0");
        yield return B<ArgumentOutOfRangeException>(Lo, "label 3 of 3 classes", () => { var t = new Tape(); Losses.CrossEntropyFromLogits(V(t, 2, 3), [0, 3]); }, "label 3 at index 1", "0..2");
        yield return B<ArgumentOutOfRangeException>(Lo, "label −1", () => { var t = new Tape(); Losses.CrossEntropy(V(t, 2, 3), [-1, 0]); }, "label -1 at index 0");
        yield return B<ArgumentException>(Lo, "three labels for two rows", () => { var t = new Tape(); Losses.CrossEntropyFromLogits(V(t, 2, 3), [0, 1, 2]); }, "3 labels for a batch of 2");
        yield return B<ArgumentException>(Lo, "labels for a vector output", () => { var t = new Tape(); Losses.CrossEntropyFromLogits(V(t, 3), [0]); }, "[N, classes]", "[3]");
        yield return B<ShapeMismatchException>(Lo, "one-hot targets of the wrong shape", () => { var t = new Tape(); Losses.CrossEntropyFromLogits(V(t, 2, 3), V(t, 2, 4)); }, "[2, 3]", "[2, 4]");
        yield return B<ArgumentException>(Lo, "empty batch", () => { var t = new Tape(); Losses.BinaryCrossEntropyFromLogits(V(t, 0, 1), V(t, 0, 1)); }, "non-empty batch", "[0, 1]");
        yield return B<ArgumentException>(Lo, "rank-0 output", () => { var t = new Tape(); Losses.L2(t.Constant(Tensor.Scalar(1.0)), t.Constant(Tensor.Scalar(2.0))); }, "non-empty batch");
        yield return B<InvalidOperationException>(Lo, "output and target on two tapes", () => Losses.L2(V(new Tape(), 2), V(new Tape(), 2)), "different tapes");

        yield return B<ArgumentOutOfRangeException>(O, "learning rate 0", () => _ = new Sgd<double>(0), "finite and positive; got 0");
        yield return B<ArgumentOutOfRangeException>(O, "learning rate NaN", () => _ = new Adam<double>(double.NaN), "got NaN");
        yield return B<ArgumentOutOfRangeException>(O, "learning rate set to −1", () => new Sgd<double>(0.1).LearningRate = -1, "got -1");
        yield return B<ArgumentOutOfRangeException>(O, "momentum 1", () => _ = new Momentum<double>(0.1, 1), "[0, 1); got 1");
        yield return B<ArgumentOutOfRangeException>(O, "Adam β₁ = 1", () => _ = new Adam<double>(0.1, beta1: 1), "β₁");
        yield return B<ArgumentOutOfRangeException>(O, "Adam ε = 0", () => _ = new Adam<double>(0.1, epsilon: 0), "ε");
        yield return B<ArgumentOutOfRangeException>(O, "weight decay −0.1", () => new Adam<double>().WeightDecay = -0.1, "weight decay", "got -0.1");
        yield return B<ArgumentOutOfRangeException>(O, "weight decay NaN", () => new Sgd<double>(0.1).WeightDecay = double.NaN, "weight decay", "NaN");
        yield return B<ArgumentNullException>(O, "step without parameters", () => new Sgd<double>(0.1).Step(null!), "parameters");
        yield return B<ArgumentNullException>(O, "step with a null parameter", () => new Sgd<double>(0.1).Step([null!]), "Parameter 0 is null");
        yield return B<InvalidOperationException>(O, "step before any backward", () => new Adam<double>().Step(Net().Parameters), "never used");
        yield return B<InvalidOperationException>(O, "step on gradients from before Reset", () =>
        {
            var net = Net();
            var t = new Tape();
            t.Backward(net.Forward(V(t, 1, 3)).Sum());
            t.Reset();
            new Sgd<double>(0.1).Step(net.Parameters);
        }, "before Reset()");
        yield return B<InvalidOperationException>(O, "step on a NaN gradient", () =>
        {
            var net = Net();
            var t = new Tape();
            t.Backward(net.Forward(t.Constant(Tensor.From<double>([1, double.NaN, 0], 1, 3))).Sum());
            new Momentum<double>(0.1).Step(net.Parameters);
        }, "layer0.weight", "no parameter was updated", "DetectAnomalies");
        yield return B<ArgumentOutOfRangeException>(O, "average with decay 1", () => _ = new ParameterAverage<double>(Net().Parameters, 1), "[0, 1); got 1");
        yield return B<ArgumentNullException>(O, "average of a null parameter", () => _ = new ParameterAverage<double>([null!]), "Parameter 0 is null");

        yield return B<ArgumentOutOfRangeException>(M, "batches of size 0", () => _ = new MiniBatches(10, 0, 1), "batchSize");
        yield return B<ArgumentOutOfRangeException>(M, "batches over 0 samples", () => _ = new MiniBatches(0, 4, 1), "count");
        yield return B<ArgumentOutOfRangeException>(M, "batch index past the end", () => _ = new MiniBatches(10, 4, 1)[3].Length, "Batch 3 is outside 0..2");
        yield return B<ArgumentException>(M, "gather from data that is not whole rows", () => new MiniBatches(4, 2, 1).Gather(0, new double[10], new double[4]), "over 4 samples", "10 values");
        yield return B<ArgumentException>(M, "gather into a short buffer", () => new MiniBatches(4, 2, 1).Gather(0, new double[8], new double[3]), "4 in all", "holds 3");
        yield return B<ArgumentException>(M, "gather a tensor of another sample count", () => new MiniBatches(4, 2, 1).Gather(0, Z(5, 2)), "over 4 samples", "[5, 2]");
        yield return B<ArgumentOutOfRangeException>(M, "binary accuracy with a target 0.5", () => Metrics.BinaryAccuracyFromLogits<double>([1, 2], [1, 0.5]), "Target at index 1 is 0.5", "0 or 1");
        yield return B<ArgumentException>(M, "binary accuracy with a NaN logit", () => Metrics.BinaryAccuracyFromLogits<double>([double.NaN], [1]), "Logit at index 0 is NaN");
        yield return B<ArgumentException>(M, "threshold of a NaN score", () => Metrics.Threshold<double>([0, double.NaN], 0, new int[2]), "Score at index 1 is NaN");
        yield return B<ArgumentNullException>(M, "snapshot of a null parameter", () => _ = new ParameterSnapshot<double>([null!]), "Parameter 0 is null");
        yield return B<ArgumentOutOfRangeException>(M, "argmax over 0 classes", () => Metrics.ArgMax<double>([], 0, []), "classes");
        yield return B<ArgumentException>(M, "argmax of a ragged batch", () => Metrics.ArgMax<double>(new double[5], 2, new int[2]), "need 4 values; got 5");
        yield return B<ArgumentException>(M, "accuracy of no samples", () => Metrics.Accuracy([], []), "no samples");
        yield return B<ArgumentException>(M, "accuracy with fewer labels", () => Metrics.Accuracy([1, 2], [1]), "2 predictions for 1 labels");
        yield return B<ArgumentOutOfRangeException>(M, "confusion matrix label 10 of 10", () => Metrics.ConfusionMatrix([0], [10], 10), "Label 10 at index 0");
        yield return B<ArgumentOutOfRangeException>(M, "confusion matrix of −1 classes", () => Metrics.ConfusionMatrix([], [], -1), "classes");
    }
}
