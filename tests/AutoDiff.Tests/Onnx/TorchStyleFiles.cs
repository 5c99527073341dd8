using System.Numerics;
using Google.Protobuf;
using Onnx;

namespace AutoDiff.Tests.Onnx;

/// <summary>
/// ONNX files laid out exactly as <c>torch.onnx.export(model, x, path, input_names=["input"],
/// output_names=["output"], dynamic_axes={"input": {0: "batch_size"}, "output": {0: "batch_size"}},
/// opset_version=17)</c> writes them for an MLP module, built here with the protobuf classes (there is no
/// Python on this machine): producer "pytorch", graph "main_graph", nodes named <c>/fc1/Gemm</c> writing
/// <c>/fc1/Gemm_output_0</c>, Gemm with alpha = beta = 1.0 and transB = 1 on a weight stored
/// [out, in] (<c>nn.Linear</c>'s layout), or — as torch writes <c>nn.Linear</c> on input of rank
/// other than 2 — <c>MatMul</c> on the constant-folded transpose <c>onnx::MatMul_N</c> [in, out] followed
/// by <c>Add(bias, product)</c>; activations as torch's symbolics write them (<c>nn.ReLU</c> → Relu,
/// <c>nn.LeakyReLU</c> → LeakyRelu alpha 0.01, <c>nn.ELU</c> → Elu alpha 1.0, <c>nn.Softplus</c> → Softplus…).
/// </summary>
internal static class TorchStyleFiles
{
    /// <summary>How <c>nn.Linear</c> comes out.</summary>
    public enum Linear { Gemm, MatMulAdd }

    /// <summary>An activation module as torch exports it: its ONNX operator and float attribute.</summary>
    public sealed record Module(string Name, string Op, float? Alpha = null)
    {
        public override string ToString() => Name;
    }

    public static readonly Module[] Activations =
    [
        new("ReLU", "Relu"),
        new("Sigmoid", "Sigmoid"),
        new("Tanh", "Tanh"),
        new("LeakyReLU", "LeakyRelu", 0.01f),
        new("LeakyReLU(0.2)", "LeakyRelu", 0.2f),
        new("ELU", "Elu", 1.0f),
        new("Softplus", "Softplus"),
    ];

    /// <summary>
    /// An MLP <c>fc1 → act1 → fc2 → …</c>: <paramref name="weights"/>[i] is layer i's weight [out, in]
    /// (row-major, as <c>nn.Linear.weight</c>), <paramref name="activations"/>[i] its activation or null.
    /// </summary>
    public static ModelProto Mlp<T>(T[][] weights, T[][] biases, int[] sizes, Module?[] activations, Linear style) where T : IFloatingPointIeee754<T>
    {
        int type = typeof(T) == typeof(float) ? (int)TensorProto.Types.DataType.Float : (int)TensorProto.Types.DataType.Double;
        var g = new GraphProto { Name = "main_graph" };
        string x = "input";
        int constant = 17; // torch numbers folded constants after the graph's values
        for (int i = 0; i < weights.Length; i++)
        {
            string fc = $"fc{i + 1}";
            int inputs = sizes[i], outputs = sizes[i + 1];
            bool last = i == weights.Length - 1 && activations[i] is null;
            g.Initializer.Add(Tensor($"{fc}.bias", biases[i], type, outputs));
            if (style == Linear.Gemm)
            {
                g.Initializer.Insert(g.Initializer.Count - 1, Tensor($"{fc}.weight", weights[i], type, outputs, inputs));
                string y = last ? "output" : $"/{fc}/Gemm_output_0";
                var gemm = Node("Gemm", $"/{fc}/Gemm", [x, $"{fc}.weight", $"{fc}.bias"], y);
                gemm.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 1.0f });
                gemm.Attribute.Add(new AttributeProto { Name = "beta", Type = AttributeProto.Types.AttributeType.Float, F = 1.0f });
                gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                g.Node.Add(gemm);
                x = y;
            }
            else
            {
                string folded = $"onnx::MatMul_{constant++}";
                g.Initializer.Add(Tensor(folded, Transpose(weights[i], outputs, inputs), type, inputs, outputs));
                g.Node.Add(Node("MatMul", $"/{fc}/MatMul", [x, folded], $"/{fc}/MatMul_output_0"));
                string y = last ? "output" : $"/{fc}/Add_output_0";
                g.Node.Add(Node("Add", $"/{fc}/Add", [$"{fc}.bias", $"/{fc}/MatMul_output_0"], y));
                x = y;
            }
            if (activations[i] is { } a)
            {
                string y = i == weights.Length - 1 ? "output" : $"/act{i + 1}/{a.Op}_output_0";
                var n = Node(a.Op, $"/act{i + 1}/{a.Op}", [x], y);
                if (a.Alpha is float alpha) n.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = alpha });
                g.Node.Add(n);
                x = y;
            }
        }
        g.Input.Add(Value("input", type, sizes[0]));
        g.Output.Add(Value("output", type, sizes[^1]));
        var m = new ModelProto { IrVersion = 8, ProducerName = "pytorch", ProducerVersion = "2.1.0", Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return m;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        return n;
    }

    public static TensorProto Tensor<T>(string name, T[] values, int type, params long[] dims) where T : IFloatingPointIeee754<T>
    {
        var t = new TensorProto { Name = name, DataType = type };
        t.Dims.AddRange(dims);
        var bytes = new List<byte>();
        foreach (T v in values)
            bytes.AddRange(typeof(T) == typeof(float) ? BitConverter.GetBytes(float.CreateTruncating(v)) : BitConverter.GetBytes(double.CreateTruncating(v)));
        t.RawData = ByteString.CopyFrom(bytes.ToArray());
        return t;
    }

    private static ValueInfoProto Value(string name, int type, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch_size" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = shape } } };
    }

    private static T[] Transpose<T>(T[] a, int rows, int columns)
    {
        var t = new T[a.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) t[c * rows + r] = a[r * columns + c];
        return t;
    }

    /// <summary>A random torch-style MLP (weights as <c>nn.Linear</c> initialises them: uniform ±1/√in).</summary>
    public static ModelProto Random<T>(int[] sizes, Module?[] activations, Linear style, int seed) where T : IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        int layers = sizes.Length - 1;
        var w = new T[layers][];
        var b = new T[layers][];
        for (int i = 0; i < layers; i++)
        {
            double bound = 1 / Math.Sqrt(sizes[i]);
            w[i] = Enumerable.Range(0, sizes[i] * sizes[i + 1]).Select(_ => T.CreateTruncating((rng.NextDouble() * 2 - 1) * bound)).ToArray();
            b[i] = Enumerable.Range(0, sizes[i + 1]).Select(_ => T.CreateTruncating((rng.NextDouble() * 2 - 1) * bound)).ToArray();
        }
        return Mlp(w, b, sizes, activations, style);
    }
}
