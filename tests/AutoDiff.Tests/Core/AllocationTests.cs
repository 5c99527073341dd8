using System.Numerics.Tensors;
using Xunit;

namespace AutoDiff.Tests.Core;

/// <summary>A training-style loop (record, sweep, update, Reset) allocates nothing once warmed up.</summary>
public class AllocationTests
{
    [Fact]
    public void Tensor_training_loop_allocates_zero_bytes_after_warm_up()
    {
        var rng = new Random(7);
        var x = Tensor.Uniform<float>(rng, 0, 1, 16, 20);
        var target = Tensor.Zeros<float>(16, 4);
        for (int i = 0; i < 16; i++) target[i, i % 4] = 1;
        var w1 = Tensor.Uniform<float>(rng, -0.3, 0.3, 20, 12);
        var b1 = Tensor.Zeros<float>(12);
        var w2 = Tensor.Uniform<float>(rng, -0.3, 0.3, 12, 4);
        var b2 = Tensor.Zeros<float>(4);
        var tape = new Tape();

        float Step()
        {
            tape.Reset();
            var (pw1, pb1, pw2, pb2) = (tape.Track(w1), tape.Track(b1), tape.Track(w2), tape.Track(b2));
            var h = Var.Max(tape.Constant(x).MatMul(pw1) + pb1, 0f);
            var logits = h.MatMul(pw2) + pb2;
            var loss = -(tape.Constant(target) * logits.LogSoftmax()).Sum(1).Mean();
            tape.Backward(loss);
            Sgd(w1, pw1); Sgd(b1, pb1); Sgd(w2, pw2); Sgd(b2, pb2);
            return loss.Item;
        }

        static void Sgd(Tensor<float> p, Var<float> v) => TensorPrimitives.MultiplyAdd(v.Grad, -0.1f, p.Span, p.Span);

        float first = Step();
        for (int i = 0; i < 5; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        float last = 0;
        for (int i = 0; i < 100; i++) last = Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(last < first, $"training should reduce the loss ({first} → {last})");
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("adam")]
    public void Mlp_training_step_allocates_zero_bytes_after_warm_up(string optimizer)
    {
        var mlp = new AutoDiff.Nn.Mlp<float>([784, 128, 10], [AutoDiff.Activations.SigmoidFunction<float>(), null], seed: 1);
        AutoDiff.Nn.Optimizer<float> opt = optimizer switch
        {
            "sgd" => new AutoDiff.Nn.Sgd<float>(0.01),
            "momentum" => new AutoDiff.Nn.Momentum<float>(0.01),
            _ => new AutoDiff.Nn.Adam<float>(0.001),
        };
        var x = Tensor.Uniform<float>(new Random(1), 0, 1, 32, 784);
        int[] labels = Enumerable.Range(0, 32).Select(i => i % 10).ToArray();
        var tape = new Tape();
        void Step()
        {
            tape.Reset();
            var loss = AutoDiff.Nn.Losses.CrossEntropyFromLogits(mlp.Forward(tape.Constant<float>(x.Span, x.Shape)), labels);
            tape.Backward(loss);
            opt.Step(mlp.Parameters);
        }
        // Warm up well past the first steps (tiered compilation; the GEMM worker pool's first waits).
        for (int i = 0; i < 60; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Scalar_loop_allocates_zero_bytes_after_warm_up()
    {
        var tape = new Tape();
        var xs = new double[100];
        for (int i = 0; i < xs.Length; i++) xs[i] = 0.5;

        double Step()
        {
            tape.Reset();
            var f = tape.Constant(0);
            var prev = tape.Variable(xs[0]);
            for (int i = 1; i < xs.Length; i++)
            {
                var cur = tape.Variable(xs[i]);
                f += Scalar.Pow(1.0 - prev, 2) + 100.0 * Scalar.Pow(cur - prev * prev, 2);
                prev = cur;
            }
            tape.Backward(f);
            return f.Value;
        }

        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
