using System.Numerics;
using AutoDiff.Nn;
using Google.Protobuf;
using Onnx;

namespace AutoDiff.Onnx;

/// <summary>
/// Reads an MLP from an ONNX graph: one input [N, in]; then layers, each a <c>Gemm</c> (transB 0 or 1,
/// alpha = beta = 1) or a <c>MatMul</c> with an optional <c>Add</c> of the bias, on initializers, and
/// at most one activation; the last result is the one output. That is what <c>torch.onnx.export</c>
/// writes for <c>nn.Sequential(nn.Linear, nn.ReLU, …)</c> and what <see cref="MlpExporter"/> writes.
/// Everything is checked before the model is built; anything else is refused naming the node.
/// </summary>
internal sealed class MlpImporter<T> where T : IFloatingPointIeee754<T>
{
    private sealed record Layer(int Inputs, int Outputs, T[] Weight, T[] Bias)
    {
        public ElementwiseFunction<T>? Activation { get; set; }
        public bool HasActivation { get; set; }
    }

    private readonly string path;
    private readonly ModelProto model;
    private readonly Dictionary<string, TensorProto> initializers = [];

    private MlpImporter(string path, ModelProto model) => (this.path, this.model) = (path, model);

    private InvalidDataException Bad(string problem) => new($"ONNX file {path} cannot be imported as an MLP: {problem}.");

    /// <summary>The MLP in <paramref name="bytes"/>, read from <paramref name="path"/> (named in errors).</summary>
    public static Mlp<T> Read(string path, byte[] bytes)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"ONNX file {path} is not a valid ONNX model: it is truncated or not ONNX at all ({e.Message}).", e);
        }
        if (model.Graph is null)
            throw new InvalidDataException($"ONNX file {path} is not a valid ONNX model: it has no graph ({bytes.Length} bytes; empty, truncated or not ONNX).");
        var layers = new MlpImporter<T>(path, model).Layers();
        return new Mlp<T>(layers.Select((l, i) => new Dense<T>(
            new Tensor<T>(l.Weight, new Shape(l.Inputs, l.Outputs)), new Tensor<T>(l.Bias, new Shape(l.Outputs)), l.Activation, $"layer{i}")).ToArray());
    }

    private List<Layer> Layers()
    {
        var g = model.Graph;
        if (model.IrVersion < 3) throw Bad($"its IR version is {model.IrVersion} (ONNX files have 3 or later): it is not an ONNX model");
        long opset = model.OpsetImport.Where(o => ActivationSymbolics.IsOnnxDomain(o.Domain)).Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < 7) throw Bad($"it uses ONNX operator set {opset}; this importer reads operator sets 7 and later");
        if (g.SparseInitializer.Count > 0) throw Bad($"it has sparse initializers ('{g.SparseInitializer[0].Values?.Name}'), which an MLP does not use");
        foreach (var t in g.Initializer)
            if (!initializers.TryAdd(t.Name, t)) throw Bad($"two initializers are named '{t.Name}'");

        var inputs = g.Input.Where(i => !initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1) throw Bad($"it has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); an MLP has one");
        if (g.Output.Count != 1) throw Bad($"it has {g.Output.Count} outputs; an MLP has one");
        string current = inputs[0].Name;
        int width = Width(inputs[0], "input");

        var layers = new List<Layer>();
        var nodes = g.Node;
        for (int k = 0; k < nodes.Count; k++)
        {
            var n = nodes[k];
            string what = $"node '{n.Name}' ({n.OpType})";
            bool onnx = ActivationSymbolics.IsOnnxDomain(n.Domain);
            if (n.Output.Count != 1) throw Bad($"{what} has {n.Output.Count} outputs; every node of an MLP has one");
            if (onnx && n.OpType is "Gemm" or "MatMul")
            {
                if (n.Input.Count == 0 || n.Input[0] != current) throw Bad($"{what} does not take the previous result '{current}' as its first input");
                var bias = n.OpType == "MatMul" && k + 1 < nodes.Count && nodes[k + 1].OpType == "Add" && ActivationSymbolics.IsOnnxDomain(nodes[k + 1].Domain)
                    && nodes[k + 1].Input.Contains(n.Output[0]) ? nodes[++k] : null;
                var layer = Linear(n, bias, width);
                layers.Add(layer);
                (current, width) = ((bias ?? n).Output[0], layer.Outputs);
                continue;
            }
            if (!ActivationSymbolics.IsActivation(n))
                throw Bad($"{what} uses {(onnx ? "operator" : $"operator domain '{n.Domain}', operator")} {n.OpType}, which an MLP does not have " +
                          $"(this importer reads Gemm, MatMul + Add and the activations {string.Join(", ", ActivationSymbolics.Operators)})");
            if (layers.Count == 0) throw Bad($"{what} comes before any Gemm or MatMul; an MLP starts with a layer");
            if (n.Input.Count == 0 || n.Input[0] != current) throw Bad($"{what} does not take the previous result '{current}' as its input");
            current = n.Output[0];
            var last = layers[^1];
            if (onnx && n.OpType == "Identity" && last.HasActivation) continue; // a pass-through, as torch writes for some modules
            if (last.HasActivation) throw Bad($"{what} follows another activation; an MLP layer has one");
            last.Activation = ActivationSymbolics.Import<T>(n, model, name => initializers.GetValueOrDefault(name), Bad);
            last.HasActivation = true;
        }
        if (layers.Count == 0) throw Bad("it has no Gemm or MatMul node, so no layer");
        if (g.Output[0].Name != current) throw Bad($"its output '{g.Output[0].Name}' is not the last layer's result '{current}'");
        int declared = Width(g.Output[0], "output");
        if (declared >= 0 && declared != width) throw Bad($"its output '{g.Output[0].Name}' is declared {declared} wide but the last layer gives {width}");
        return layers;
    }

    /// <summary>The declared width (second dimension) of a [N, width] graph input or output; −1 when not fixed.</summary>
    private int Width(ValueInfoProto v, string role)
    {
        if (v.Type?.TensorType is not { } t) throw Bad($"its {role} '{v.Name}' is not a tensor");
        if (t.ElemType != OnnxTensors.ElementType<T>())
            throw Bad($"its {role} '{v.Name}' holds {OnnxTensors.TypeName(t.ElemType)} values but {OnnxTensors.TypeName(OnnxTensors.ElementType<T>())} ({typeof(T).Name}) were asked for");
        if (t.Shape is null) return -1;
        if (t.Shape.Dim.Count != 2) throw Bad($"its {role} '{v.Name}' has rank {t.Shape.Dim.Count}; an MLP's {role} is [N, features]");
        var d = t.Shape.Dim[1];
        if (d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue) return -1;
        if (d.DimValue < 1 || d.DimValue > Array.MaxLength) throw Bad($"its {role} '{v.Name}' is {d.DimValue} wide");
        return (int)d.DimValue;
    }

    /// <summary>A layer from a Gemm, or a MatMul and the Add of its bias; <paramref name="width"/> is the width it must take (−1: any).</summary>
    private Layer Linear(NodeProto n, NodeProto? add, int width)
    {
        string what = $"node '{n.Name}' ({n.OpType})";
        bool gemm = n.OpType == "Gemm";
        if (gemm ? n.Input.Count is not (2 or 3) : n.Input.Count != 2)
            throw Bad($"{what} has {n.Input.Count} inputs");
        long transB = 0;
        foreach (var a in n.Attribute)
        {
            bool one = a.Type == AttributeProto.Types.AttributeType.Float && a.F == 1f;
            bool ok = gemm && a.Name switch
            {
                "alpha" or "beta" => one,
                "transA" => a.Type == AttributeProto.Types.AttributeType.Int && a.I == 0,
                "transB" => a.Type == AttributeProto.Types.AttributeType.Int && a.I is 0 or 1,
                _ => false,
            };
            if (!ok) throw Bad($"{what} has attribute {a.Name} = {(a.Type == AttributeProto.Types.AttributeType.Float ? a.F : a.I)}; an MLP layer is x·W + b (alpha = beta = 1, transA = 0)");
            if (a.Name == "transB") transB = a.I;
        }
        var (dims, w) = Constant(n.Input[1], what, "weight");
        if (dims.Length != 2) throw Bad($"{what}'s weight '{n.Input[1]}' has shape {OnnxTensors.Format(dims)}; a layer's weight is a matrix");
        var (inputs, outputs) = transB == 1 ? (dims[1], dims[0]) : (dims[0], dims[1]);
        if (inputs < 1 || outputs < 1) throw Bad($"{what}'s weight '{n.Input[1]}' has shape {OnnxTensors.Format(dims)}");
        if (width >= 0 && inputs != width)
            throw Bad($"{what}'s weight '{n.Input[1]}' has shape {OnnxTensors.Format(dims)}{(transB == 1 ? " (transB = 1)" : "")}, which takes {inputs} inputs, but the previous result is {width} wide");
        if (transB == 1) w = Transpose(w, outputs, inputs);

        string? biasName = gemm ? (n.Input.Count == 3 ? n.Input[2] : null) : add?.Input.First(i => i != n.Output[0]);
        if (add is not null && add.Input.Count != 2) throw Bad($"node '{add.Name}' (Add) has {add.Input.Count} inputs");
        var bias = new T[outputs];
        if (biasName is { Length: > 0 })
        {
            var (bd, b) = Constant(biasName, add is null ? what : $"node '{add.Name}' (Add)", "bias");
            if (!(bd.Length == 1 && bd[0] == outputs) && !(bd.Length == 2 && bd[0] == 1 && bd[1] == outputs))
                throw Bad($"{what}'s bias '{biasName}' has shape {OnnxTensors.Format(bd)}; a layer of {outputs} outputs needs [{outputs}]");
            bias = b;
        }
        return new Layer(inputs, outputs, w, bias);
    }

    private (int[] Dims, T[] Values) Constant(string name, string what, string role) =>
        initializers.TryGetValue(name, out var t) ? OnnxTensors.Read<T>(t, Bad)
        : throw Bad($"{what} takes its {role} from '{name}', which is not an initializer");

    private static T[] Transpose(T[] a, int rows, int columns)
    {
        var t = new T[a.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) t[c * rows + r] = a[r * columns + c];
        return t;
    }
}
