using System.Numerics;
using AutoDiff.Nn;
using AutoDiff.Onnx;
using AutoDiff.Tests.Onnx;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>
/// A <see cref="Sequential{T}"/> of every layer kind exported with <see cref="OnnxModel.Export{T}(Sequential{T}, Shape, string)"/>
/// and run in ONNX Runtime: its outputs agree with <see cref="Sequential{T}.Predict"/> within 1e-5 of the largest
/// output (float32; ONNX Runtime's CPU provider has no float64 Conv), for batches of several sizes (the batch is dynamic), with strides,
/// padding, dilation and groups in the convolutions and trained running statistics in the batch norm.
/// </summary>
public class SequentialOnnxTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-onnx-sequential-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static Sequential<T> Model<T>(bool layerNorm) where T : IFloatingPointIeee754<T>
    {
        var rng = new Random(7);
        var layers = new List<ILayer<T>>
        {
            new Conv2d<T>(2, 6, 3, rng, padding: 1, groups: 2, activation: AutoDiff.Activations.TanhFunction<T>()),
            new BatchNorm2d<T>(6),
            new MaxPool2d<T>(2),
            new Conv2d<T>(6, 8, 3, rng, stride: 2, padding: 2, dilation: 2),
            new Activation<T>(AutoDiff.Activations.ReluFunction<T>()),
            new AvgPool2d<T>(2, 1),
            new Flatten<T>(),
        };
        if (layerNorm) layers.Add(new LayerNorm<T>([72]));
        layers.AddRange([new Dense<T>(72, 16, AutoDiff.Activations.ReluFunction<T>(), rng), new Dropout<T>(0.5, 3), new Dense<T>(16, 5, null, rng)]);
        var model = new Sequential<T>([.. layers]);
        // A few forward passes in training mode move the batch norm's running statistics away from 0 and 1.
        var tape = new Tape();
        for (int k = 0; k < 3; k++)
        {
            tape.Reset();
            model.Forward(tape.Constant(Tensor.Uniform<T>(rng, -1, 2, 4, 2, 17, 15)));
        }
        return model;
    }

    private void Agrees<T>(bool layerNorm, int[] batches) where T : IFloatingPointIeee754<T>
    {
        var model = Model<T>(layerNorm);
        string path = Path.Combine(dir, $"cnn-{typeof(T).Name}-{layerNorm}.onnx");
        OnnxModel.Export(model, new Shape(batches[0], 2, 17, 15), path);
        Assert.True(model.Training, "the training switch is restored");
        using var session = OnnxRuntimeRunner.Open(path);
        var rng = new Random(11);
        foreach (int n in batches)
        {
            var x = Tensor.Uniform<T>(rng, -1, 2, n, 2, 17, 15);
            var expected = new T[n * 5];
            model.Predict(x.Span, x.Shape.Dims, expected);
            var (values, dims) = OnnxRuntimeRunner.Run(session, x.Span.ToArray(), n, 2, 17, 15);
            Assert.Equal([n, 5], dims);
            Assert.True(Agreement.Agrees<T>(values, expected, Agreement.Floor.Norm, out string report), $"batch {n}: {report}");
        }
    }

    [Fact]
    public void Conv_pool_batch_norm_dense_network_agrees_in_float_for_any_batch() => Agrees<float>(layerNorm: false, [3, 1, 8]);

    [Fact]
    public void Gradients_through_pooling_are_refused_with_NotSupportedException()
    {
        string path = Path.Combine(dir, "grad.onnx");
        var e = Assert.Throws<NotSupportedException>(() => OnnxModel.Export<float>((t, x) =>
        {
            var w = t.Track(Tensor.Full(0.5f, 1, 2, 6, 6));
            return t.Differentiate((x * w).MaxPool2d(2, 2).Square().Sum(), w)[0];
        }, new Shape(1, 2, 6, 6), path));
        Assert.Contains("MaxUnpool2d", e.Message); // the scatter to each window's maximum
        Assert.False(File.Exists(path));
        // The adjoint of an average pooling (a spread) has no ONNX form either: refused, naming the operation.
        var a = Assert.Throws<NotSupportedException>(() => OnnxModel.Export<float>((t, x) =>
        {
            var w = t.Track(Tensor.Full(0.5f, 1, 2, 6, 6));
            return t.Differentiate((x * w).AvgPool2d(2, 2).Square().Sum(), w)[0];
        }, new Shape(1, 2, 6, 6), path));
        Assert.Contains("AvgUnpool2d", a.Message);
    }

    [Fact]
    public void With_a_layer_norm_it_agrees_at_the_exported_batch() => Agrees<float>(layerNorm: true, [4]);
}
