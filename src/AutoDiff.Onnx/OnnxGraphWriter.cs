using System.Numerics;
using Google.Protobuf;
using Onnx;

namespace AutoDiff.Onnx;

/// <summary>
/// Builds one ONNX model the way <c>torch.onnx.export</c> lays it out: nodes in execution order named
/// <c>/scope/Op</c> (<c>/scope/Op_1</c> for the second), each writing <c>/scope/Op_output_0</c>;
/// initializers under their parameter names; the input and output with a dynamic batch dimension
/// <c>N</c>; model-local functions for composite activations. The same calls give the same bytes.
/// </summary>
internal sealed class OnnxGraphWriter<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>The ONNX operator set written (and the lowest read).</summary>
    public const int Opset = 17;

    /// <summary>The IR version that goes with opset 17 (ONNX 1.12).</summary>
    public const int IrVersion = 8;

    /// <summary>The domain of this library's model-local functions (composite activations).</summary>
    public const string FunctionDomain = "ai.autodiff";

    /// <summary>The name of the dynamic batch dimension.</summary>
    public const string Batch = "N";

    private readonly GraphProto graph;
    private readonly List<FunctionProto> functions = [];
    private readonly HashSet<string> names = [];

    public OnnxGraphWriter(string graphName) => graph = new GraphProto { Name = graphName };

    /// <summary>Declares a graph input; a dimension of −1 is the dynamic batch dimension (see <see cref="ValueInfo"/>).</summary>
    public string Input(string name, ReadOnlySpan<int> dims)
    {
        Claim(name);
        graph.Input.Add(ValueInfo(name, OnnxTensors.ElementType<T>(), dims));
        return name;
    }

    /// <summary>An initializer of element type <typeparamref name="T"/>.</summary>
    public string Initializer(string name, ReadOnlySpan<T> values, ReadOnlySpan<int> dims)
    {
        Claim(name);
        graph.Initializer.Add(OnnxTensors.Of(name, values, dims));
        return name;
    }

    /// <summary>An initializer of 64-bit integers (a shape, axes, bounds).</summary>
    public string Int64Initializer(string name, ReadOnlySpan<long> values, params ReadOnlySpan<int> dims)
    {
        Claim(name);
        graph.Initializer.Add(OnnxTensors.OfInt64(name, values, dims));
        return name;
    }

    /// <summary><paramref name="stem"/>, or <c>stem_1</c>, <c>stem_2</c>… when it is taken.</summary>
    public string Fresh(string stem)
    {
        if (!names.Contains(stem)) return stem;
        for (int k = 1; ; k++)
            if (!names.Contains($"{stem}_{k}")) return $"{stem}_{k}";
    }

    /// <summary>Appends node <c>scope/op</c> on <paramref name="inputs"/>; returns the name of its one output.</summary>
    public string Node(string op, string scope, IEnumerable<string> inputs, IEnumerable<AttributeProto>? attributes = null, string domain = "")
    {
        string name = Fresh($"{scope}/{op}");
        Claim(name);
        string output = $"{name}_output_0";
        Claim(output);
        graph.Node.Add(NewNode(op, name, inputs, output, attributes, domain));
        return output;
    }

    /// <summary>
    /// Adds <paramref name="function"/> (named from <paramref name="stem"/>) unless an identical body is
    /// already there; returns the name to call it by.
    /// </summary>
    public string Function(string stem, FunctionProto function)
    {
        foreach (var f in functions)
            if (f.DocString == function.DocString && SameBody(f, function)) return f.Name;
        string name = stem;
        for (int k = 1; functions.Any(f => f.Name == name); k++) name = $"{stem}_{k}";
        function.Name = name;
        function.Domain = FunctionDomain;
        functions.Add(function);
        return name;
    }

    /// <summary>True when two functions have the same interface and nodes (names aside).</summary>
    public static bool SameBody(FunctionProto a, FunctionProto b)
    {
        var (x, y) = (a.Clone(), b.Clone());
        x.Name = y.Name = "";
        x.Domain = y.Domain = "";
        return x.ToByteString().Equals(y.ToByteString());
    }

    /// <summary>Makes <paramref name="tensor"/>, the output of the last node, the graph output <paramref name="name"/>.</summary>
    public void Output(string tensor, string name, ReadOnlySpan<int> dims)
    {
        var last = graph.Node.Count > 0 ? graph.Node[^1] : null;
        if (last is null || last.Output.Count != 1 || last.Output[0] != tensor)
            throw new InvalidOperationException($"The graph output must be the last node's output; '{tensor}' is not.");
        names.Remove(tensor);
        Claim(name);
        last.Output[0] = name;
        graph.Output.Add(ValueInfo(name, OnnxTensors.ElementType<T>(), dims));
    }

    /// <summary>The finished model: opset 17 (and this library's function domain when used), IR version 8.</summary>
    public ModelProto Build()
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "AutoDiff",
            ProducerVersion = "1",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (functions.Count > 0) model.OpsetImport.Add(new OperatorSetIdProto { Domain = FunctionDomain, Version = 1 });
        model.Functions.AddRange(functions);
        return model;
    }

    private void Claim(string name)
    {
        if (!names.Add(name)) throw new InvalidOperationException($"The ONNX name '{name}' is used twice.");
    }

    /// <summary>A node with one output.</summary>
    public static NodeProto NewNode(string op, string name, IEnumerable<string> inputs, string output, IEnumerable<AttributeProto>? attributes = null, string domain = "")
    {
        var n = new NodeProto { OpType = op, Name = name, Domain = domain };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        if (attributes is not null) n.Attribute.AddRange(attributes);
        return n;
    }

    /// <summary>A typed value description; −1 marks the dynamic batch dimension, −2 a dimension left unknown.</summary>
    public static ValueInfoProto ValueInfo(string name, int elementType, ReadOnlySpan<int> dims)
    {
        var shape = new TensorShapeProto();
        foreach (int d in dims)
            shape.Dim.Add(d == -1 ? new TensorShapeProto.Types.Dimension { DimParam = Batch }
                : d < 0 ? new TensorShapeProto.Types.Dimension() : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } } };
    }

    /// <summary>A float attribute.</summary>
    public static AttributeProto FloatAttribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An integer attribute.</summary>
    public static AttributeProto IntAttribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A list-of-integers attribute.</summary>
    public static AttributeProto IntsAttribute(string name, params ReadOnlySpan<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        foreach (long v in values) a.Ints.Add(v);
        return a;
    }

    /// <summary>A tensor attribute (a Constant node's value).</summary>
    public static AttributeProto TensorAttribute(string name, TensorProto value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };
}
