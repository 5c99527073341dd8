using AutoDiff.Nn;
using AutoDiff.Onnx;
using AutoDiff.Tests.Reliability;
using Google.Protobuf;
using Onnx;
using Builtin = AutoDiff.Activations;

namespace AutoDiff.Tests.Onnx;

/// <summary>
/// Bad ONNX input, one line each in the style of <see cref="BadInputCatalogue"/>: files that are not
/// ONNX, MLPs with something an MLP does not have, shapes and initializers that do not fit, and exports
/// that cannot be written. Each names the file (or the activation) and the problem.
/// </summary>
public static class OnnxBadInputCatalogue
{
    private static BadInput B<TException>(string area, string name, Action run, params string[] says) where TException : Exception =>
        new(area, name, run, typeof(TException), says);

    /// <summary>An activation without a description.</summary>
    private sealed class Opaque : ElementwiseFunction<float>
    {
        public override string Name => "Swishy";
        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => x.CopyTo(y);
        public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) { }
    }

    /// <summary>A torch-style 4 → 5 → 3 MLP (Gemm, ReLU, Gemm) to break in one place.</summary>
    public static ModelProto Torch() => TorchStyleFiles.Random<float>([4, 5, 3], [TorchStyleFiles.Activations[0], null], TorchStyleFiles.Linear.Gemm, seed: 1);

    private static ModelProto With(Action<ModelProto> change)
    {
        var m = Torch();
        change(m);
        return m;
    }

    private static NodeProto NodeNamed(ModelProto m, string name) => m.Graph.Node.Single(n => n.Name == name);

    private static TensorProto Initializer(ModelProto m, string name) => m.Graph.Initializer.Single(t => t.Name == name);

    private static NodeProto Op(string op, string name, string input, string output)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.Add(input);
        n.Output.Add(output);
        return n;
    }

    /// <summary>Our own export of a float 4 → 5 → 3 MLP with activation <paramref name="act"/>, parsed.</summary>
    private static ModelProto Ours(string dir, ElementwiseFunction<float> act)
    {
        string p = Path.Combine(dir, $"ours-{Guid.NewGuid():N}.onnx");
        OnnxModel.Export(new Mlp<float>([4, 5, 3], [act, null], seed: 1), p);
        return ModelProto.Parser.ParseFrom(File.ReadAllBytes(p));
    }

    public static IEnumerable<BadInput> Rows(string dir)
    {
        const string F = "onnx files", M = "onnx mlps", E = "onnx export";
        string At(string name, byte[] bytes)
        {
            string p = Path.Combine(dir, name);
            File.WriteAllBytes(p, bytes);
            return p;
        }
        string Model(string name, ModelProto m) => At(name, m.ToByteArray());
        Mlp<float> Import(string name, ModelProto m) => OnnxModel.Import<float>(Model(name, m));
        var good = Torch().ToByteArray();

        yield return B<FileNotFoundException>(F, "missing file", () => OnnxModel.Import<float>(Path.Combine(dir, "none.onnx")), "none.onnx", "does not exist");
        yield return B<ArgumentNullException>(F, "null path", () => OnnxModel.Import<float>(null!), "path");
        yield return B<InvalidDataException>(F, "empty file", () => OnnxModel.Import<float>(At("empty.onnx", [])), "empty.onnx", "no graph", "0 bytes");
        yield return B<InvalidDataException>(F, "truncated to half", () => OnnxModel.Import<float>(At("half.onnx", good[..(good.Length / 2)])), "half.onnx", "not a valid ONNX model", "truncated");
        yield return B<InvalidDataException>(F, "random bytes", () => OnnxModel.Import<float>(At("noise.onnx", Noise(500, 3))), "noise.onnx", "not a valid ONNX model");
        yield return B<InvalidDataException>(F, "a text file", () => OnnxModel.Import<float>(At("readme.onnx", "# not a model\nhello"u8.ToArray())), "readme.onnx", "not a valid ONNX model");
        yield return B<InvalidDataException>(F, "an AutoDiff model file", () => OnnxModel.Import<float>(At("model.onnx", ModelFile.Serialize(new Mlp<float>([4, 5, 3], [null, null], 1)))), "model.onnx", "not a valid ONNX model");
        yield return B<InvalidDataException>(F, "no IR version", () => Import("ir0.onnx", With(m => m.IrVersion = 0)), "ir0.onnx", "IR version is 0");
        yield return B<InvalidDataException>(F, "operator set 6", () => Import("opset6.onnx", With(m => m.OpsetImport[0].Version = 6)), "operator set 6");
        yield return B<InvalidDataException>(F, "no operator set", () => Import("noopset.onnx", With(m => m.OpsetImport.Clear())), "operator set 0");
        yield return B<InvalidDataException>(F, "float file imported as double", () => OnnxModel.Import<double>(Model("f32.onnx", Torch())), "f32.onnx", "input 'input' holds float32 values but float64 (Double)");

        yield return B<InvalidDataException>(M, "unsupported operator (Softmax at the end)", () => Import("softmax.onnx", With(m =>
        {
            NodeNamed(m, "/fc2/Gemm").Output[0] = "/fc2/Gemm_output_0";
            m.Graph.Node.Add(Op("Softmax", "/softmax/Softmax", "/fc2/Gemm_output_0", "output"));
        })), "softmax.onnx", "node '/softmax/Softmax' (Softmax)", "operator Softmax", "Gemm, MatMul + Add");
        yield return B<InvalidDataException>(M, "unsupported operator (Flatten first)", () => Import("flatten.onnx", With(m =>
        {
            m.Graph.Node.Insert(0, Op("Flatten", "/flatten/Flatten", "input", "/flatten/Flatten_output_0"));
            m.Graph.Node[1].Input[0] = "/flatten/Flatten_output_0";
        })), "node '/flatten/Flatten' (Flatten)", "operator Flatten");
        yield return B<InvalidDataException>(M, "an operator of another domain", () => Import("fused.onnx", With(m =>
        {
            var relu = NodeNamed(m, "/act1/Relu");
            relu.OpType = "FusedGemm";
            relu.Domain = "com.microsoft";
        })), "node '/act1/Relu' (FusedGemm)", "domain 'com.microsoft'");
        yield return B<InvalidDataException>(M, "a layer's weight that does not fit", () => Import("shape.onnx", With(m =>
        {
            var w = Initializer(m, "fc2.weight");
            w.Dims[1] = 4;
            w.RawData = ByteString.CopyFrom(new byte[3 * 4 * 4]);
        })), "shape.onnx", "node '/fc2/Gemm' (Gemm)", "'fc2.weight' has shape [3, 4] (transB = 1), which takes 4 inputs, but the previous result is 5 wide");
        yield return B<InvalidDataException>(M, "an input narrower than the first layer", () => Import("input.onnx", With(m => m.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue = 7)), "'fc1.weight' has shape [5, 4]", "previous result is 7 wide");
        yield return B<InvalidDataException>(M, "an input of rank 4 (images)", () => Import("rank4.onnx", With(m =>
        {
            var dims = m.Graph.Input[0].Type.TensorType.Shape.Dim;
            dims.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
            dims.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        })), "input 'input' has rank 4", "[N, features]");
        yield return B<InvalidDataException>(M, "an output declared wider than the last layer", () => Import("outwidth.onnx", With(m => m.Graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue = 10)), "declared 10 wide but the last layer gives 3");
        yield return B<InvalidDataException>(M, "an initializer of the wrong size", () => Import("size.onnx", With(m => Initializer(m, "fc1.weight").RawData = ByteString.CopyFrom(new byte[50]))),
            "size.onnx", "tensor 'fc1.weight' of dimensions [5, 4] needs 20 values (80 bytes) but holds 50 bytes");
        yield return B<InvalidDataException>(M, "an initializer with too few float_data", () => Import("floatdata.onnx", With(m =>
        {
            var b = Initializer(m, "fc1.bias");
            b.RawData = ByteString.Empty;
            b.FloatData.Add([1f, 2f]);
        })), "tensor 'fc1.bias' of dimensions [5] needs 5 values but holds 2");
        yield return B<InvalidDataException>(M, "a bias of the wrong shape", () => Import("bias.onnx", With(m =>
        {
            var b = Initializer(m, "fc2.bias");
            b.Dims[0] = 2;
            b.RawData = ByteString.CopyFrom(new byte[8]);
        })), "bias 'fc2.bias' has shape [2]; a layer of 3 outputs needs [3]");
        yield return B<InvalidDataException>(M, "a negative dimension", () => Import("negative.onnx", With(m => Initializer(m, "fc1.bias").Dims[0] = -5)), "tensor 'fc1.bias' has dimension -5 at axis 0");
        yield return B<InvalidDataException>(M, "weights in an external file", () => Import("external.onnx", With(m =>
        {
            var w = Initializer(m, "fc1.weight");
            w.DataLocation = TensorProto.Types.DataLocation.External;
            w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        })), "tensor 'fc1.weight' keeps its values in an external file");
        yield return B<InvalidDataException>(M, "a weight that is an input, not an initializer", () => Import("winput.onnx", With(m => NodeNamed(m, "/fc1/Gemm").Input[1] = "input")), "takes its weight from 'input', which is not an initializer");
        yield return B<InvalidDataException>(M, "two initializers of one name", () => Import("twice.onnx", With(m => m.Graph.Initializer.Add(Initializer(m, "fc1.bias").Clone()))), "two initializers are named 'fc1.bias'");
        yield return B<InvalidDataException>(M, "two inputs", () => Import("twoinputs.onnx", With(m => m.Graph.Input.Add(new ValueInfoProto { Name = "mask" }))), "it has 2 inputs ('input', 'mask'); an MLP has one");
        yield return B<InvalidDataException>(M, "Gemm with alpha 2", () => Import("alpha.onnx", With(m => NodeNamed(m, "/fc1/Gemm").Attribute[0].F = 2)), "node '/fc1/Gemm' (Gemm) has attribute alpha = 2");
        yield return B<InvalidDataException>(M, "Gemm with transA", () => Import("transa.onnx", With(m => NodeNamed(m, "/fc1/Gemm").Attribute.Add(new AttributeProto { Name = "transA", Type = AttributeProto.Types.AttributeType.Int, I = 1 }))), "attribute transA = 1");
        yield return B<InvalidDataException>(M, "two activations in a row", () => Import("twoacts.onnx", With(m =>
        {
            NodeNamed(m, "/act1/Relu").Output[0] = "/act1/Relu_output_0x";
            m.Graph.Node.Insert(2, Op("Sigmoid", "/act1b/Sigmoid", "/act1/Relu_output_0x", "/act1/Relu_output_0"));
        })), "node '/act1b/Sigmoid' (Sigmoid) follows another activation");
        yield return B<InvalidDataException>(M, "an activation before any layer", () => Import("actfirst.onnx", With(m =>
        {
            m.Graph.Node.Insert(0, Op("Relu", "/pre/Relu", "input", "/pre/Relu_output_0"));
            m.Graph.Node[1].Input[0] = "/pre/Relu_output_0";
        })), "node '/pre/Relu' (Relu) comes before any Gemm or MatMul");
        yield return B<InvalidDataException>(M, "a branch (a layer skipping the previous result)", () => Import("branch.onnx", With(m => NodeNamed(m, "/fc2/Gemm").Input[0] = "/fc1/Gemm_output_0")),
            "node '/fc2/Gemm' (Gemm) does not take the previous result '/act1/Relu_output_0'");
        yield return B<InvalidDataException>(M, "an output that is not the last result", () => Import("output.onnx", With(m => m.Graph.Output[0].Name = "/act1/Relu_output_0")), "its output '/act1/Relu_output_0' is not the last layer's result 'output'");
        yield return B<InvalidDataException>(M, "no layer at all", () => Import("nolayer.onnx", With(m =>
        {
            m.Graph.Node.Clear();
            m.Graph.Node.Add(Op("Identity", "/id/Identity", "input", "output"));
        })), "node '/id/Identity' (Identity) comes before any Gemm or MatMul");
        yield return B<InvalidDataException>(M, "a PRelu with a slope per unit", () => Import("prelu.onnx", With(m =>
        {
            var act = NodeNamed(m, "/act1/Relu");
            act.OpType = "PRelu";
            act.Input.Add("slopes");
            m.Graph.Initializer.Add(TorchStyleFiles.Tensor("slopes", new float[5], (int)TensorProto.Types.DataType.Float, 5));
        })), "node '/act1/Relu' (PRelu) has 5 slopes");
        yield return B<InvalidDataException>(M, "a LeakyRelu with alpha NaN", () => Import("nanalpha.onnx", With(m =>
        {
            var act = NodeNamed(m, "/act1/Relu");
            act.OpType = "LeakyRelu";
            act.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = float.NaN });
        })), "(LeakyRelu) has alpha NaN");
        yield return B<InvalidDataException>(M, "an activation attribute this importer does not know", () => Import("attr.onnx", With(m =>
            NodeNamed(m, "/act1/Relu").Attribute.Add(new AttributeProto { Name = "threshold", Type = AttributeProto.Types.AttributeType.Float, F = 20 }))),
            "node '/act1/Relu' (Relu) has attribute 'threshold'");
        yield return B<InvalidDataException>(M, "a function the file does not define", () => Import("nofunc.onnx", With(m =>
        {
            var act = NodeNamed(m, "/act1/Relu");
            act.OpType = "Sigmoid";
            act.Domain = "ai.autodiff";
        })), "node '/act1/Relu' (function Sigmoid) calls a function that the file does not define");
        yield return B<InvalidDataException>(M, "a user's activation (exports, does not import)", () => Import("user.onnx", Ours(dir,
            new ExpressionExportTests.Described<float>("Swish", x => x / (1.0 + ElementwiseExpression.Of(ExpressionOp.Exp, -x)), x => x / (1 + Math.Exp(-x))))),
            "user.onnx", "(function Swish) computes 'Swish', which is not a built-in activation");
        yield return B<InvalidDataException>(M, "a built-in's function with another body", () => Import("tampered.onnx", Ours(dir,
            new ExpressionExportTests.Described<float>("Tanh", x => x * 2.0, x => 2 * x))),
            "(function Tanh) is named 'Tanh' but its body is not that activation's description");

        yield return B<NotSupportedException>(E, "an activation without a description", () => OnnxModel.Export(new Mlp<float>([2, 3, 1], [new Opaque(), null], 1), Path.Combine(dir, "opaque.onnx")),
            "Activation 'Swishy' cannot be exported to ONNX", "Describe");
        yield return B<ArgumentNullException>(E, "a null model", () => OnnxModel.Export<float>(null!, Path.Combine(dir, "x.onnx")), "model");
        yield return B<ArgumentException>(E, "an empty path", () => OnnxModel.Export(new Mlp<float>([2, 1], [null], 1), ""), "path");
        yield return B<NotSupportedException>(E, "a forward pass through a TensorFunction", () => OnnxModel.Export<double>(
            (t, x) => Var.Function(Core.PRelu.Instance, x, t.Track(Tensor.From<double>([0.1, 0.2]))), new Shape(3, 2), Path.Combine(dir, "tf.onnx")),
            "user-defined tensor function 'prelu'", "no ONNX form");
        yield return B<NotSupportedException>(E, "a forward pass with Var.Greater's mask", () => OnnxModel.Export<double>(
            (t, x) => Var.Where(Var.Greater(x, 1.0), x, -x), new Shape(3, 2), Path.Combine(dir, "mask.onnx")),
            "changes with the input but was computed from it outside the tape's record");
        yield return B<NotSupportedException>(E, "a forward pass whose graph depends on the values", () => OnnxModel.Export<double>(
            (t, x) => x.Value[0] > 1 ? x.Exp() : x.Log(), new Shape(3, 2), Path.Combine(dir, "branch.onnx")),
            "records a different graph for different inputs");
        yield return B<NotSupportedException>(E, "the gradient of a max over an axis", () => OnnxModel.Export<double>(
            (t, x) => { var w = t.Track(Tensor.Full(1.0, 4)); return t.Differentiate((x * w).Max(1).Square().Sum(), w)[0]; }, new Shape(6, 4), Path.Combine(dir, "maxgrad.onnx")),
            "PutAlong", "gradient of a Max or Min");
        yield return B<NotSupportedException>(E, "an index select at indices computed from the input", () => OnnxModel.Export<double>(
            (t, x) => x.IndexSelect(0, [x.ArgMax()]), new Shape(50), Path.Combine(dir, "argmax.onnx")), "Gather", "indices that change with the input");
        yield return B<ArgumentNullException>(E, "a null forward pass", () => OnnxModel.Export((Func<Tape, Var<double>, Var<double>>)null!, new Shape(1, 2), Path.Combine(dir, "null.onnx")), "forward");
        yield return B<ArgumentNullException>(E, "a null Sequential", () => OnnxModel.Export((Sequential<double>)null!, new Shape(1, 2), Path.Combine(dir, "null.onnx")), "model");
        yield return B<ArgumentException>(E, "a default input shape", () => OnnxModel.Export<double>((t, x) => x, default, Path.Combine(dir, "noshape.onnx")), "default(Shape)");
        yield return B<DirectoryNotFoundException>(E, "a missing folder", () => OnnxModel.Export(new Mlp<float>([2, 1], [null], 1), Path.Combine(dir, "no", "such", "m.onnx")), "no");
    }

    private static byte[] Noise(int length, int seed)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }
}
