using System.Numerics;
using AutoDiff.Nn;
using Onnx;

namespace AutoDiff.Onnx;

/// <summary>
/// An <see cref="Mlp{T}"/> as ONNX: per layer <c>Gemm(x, W, b)</c> with W as stored ([in, out]) and the
/// activation after it; initializers <c>layer{i}.weight</c> and <c>layer{i}.bias</c>; input <c>input</c>
/// [N, in] and output <c>output</c> [N, out] with a dynamic batch N.
/// </summary>
internal static class MlpExporter
{
    public static ModelProto Model<T>(Mlp<T> model) where T : IFloatingPointIeee754<T>
    {
        var w = new OnnxGraphWriter<T>("AutoDiff.Mlp");
        string x = w.Input("input", [-1, model.Inputs]);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            string scope = $"/layer{i}";
            string weight = w.Initializer($"layer{i}.weight", layer.Weight.Value.Span, [layer.Inputs, layer.Outputs]);
            string bias = w.Initializer($"layer{i}.bias", layer.Bias.Value.Span, [layer.Outputs]);
            x = w.Node("Gemm", scope, [x, weight, bias], [OnnxGraphWriter<T>.FloatAttribute("alpha", 1), OnnxGraphWriter<T>.FloatAttribute("beta", 1)]);
            if (layer.Activation is { } f) x = ActivationSymbolics.Export(w, f, x, scope);
        }
        w.Output(x, "output", [-1, model.Outputs]);
        return w.Build();
    }
}
