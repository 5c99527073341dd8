using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>A CNN training step (every layer kind that trains) allocates nothing once warmed up.</summary>
public class ConvAllocationTests
{
    [Fact]
    public void Cnn_training_step_allocates_zero_bytes_after_warm_up()
    {
        var rng = new Random(1);
        var relu = AutoDiff.Activations.ReluFunction<float>();
        var model = new Sequential<float>(
            new Conv2d<float>(1, 4, 5, rng, activation: relu),
            new MaxPool2d<float>(2),
            new Conv2d<float>(4, 8, 3, rng, padding: 1, stride: 2),
            new BatchNorm2d<float>(8),
            new Activation<float>(relu),
            new AvgPool2d<float>(2),
            new Flatten<float>(),
            new LayerNorm<float>([8 * 3 * 3]),
            new Dropout<float>(0.25, 1),
            new Dense<float>(8 * 3 * 3, 10, null, rng));
        var optimizer = new Adam<float>(1e-3);
        var x = Tensor.Uniform<float>(rng, 0, 1, 16, 1, 28, 28);
        int[] labels = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        var tape = new Tape();
        float Step()
        {
            tape.Reset();
            var loss = Losses.CrossEntropyFromLogits(model.Forward(tape.Constant<float>(x.Span, x.Shape.Dims)), labels);
            tape.Backward(loss);
            optimizer.Step(model.Parameters);
            return loss.Item;
        }
        float first = Step();
        for (int i = 0; i < 60; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        float last = 0;
        for (int i = 0; i < 20; i++) last = Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(last < first, $"training should reduce the loss ({first} → {last})");
    }
}
