using AutoDiff.Nn;
using Xunit;
using Xunit.Abstractions;

namespace AutoDiff.Tests.Reliability;

/// <summary>
/// Separate tapes on many threads at once give bit-identical results to serial runs; one tape
/// used from two threads is caught.
/// </summary>
public class ConcurrencyTests(ITestOutputHelper output)
{
    private const int Threads = 8, Iterations = 200;

    // Read-only weights shared by every thread (tracking a tensor on a tape does not write to it).
    private static readonly Tensor<double> W1 = Tensor.Uniform<double>(new Random(1), -0.3, 0.3, 64, 32);
    private static readonly Tensor<double> B1 = Tensor.Uniform<double>(new Random(2), -0.1, 0.1, 32);
    private static readonly Tensor<double> W2 = Tensor.Uniform<double>(new Random(3), -0.3, 0.3, 32, 10);
    private static readonly Tensor<float> Big = Tensor.Uniform<float>(new Random(4), -1, 1, 784, 128);

    /// <summary>One iteration: an MLP step in float64, a big float32 GEMM now and then, and scalar ops; a fingerprint of every result bit.</summary>
    private static ulong Iteration(Tape tape, int seed)
    {
        var rng = new Random(seed);
        tape.Reset();
        var x = tape.Constant(Tensor.Uniform<double>(rng, -1, 1, 16, 64));
        var w1 = tape.Track(W1);
        var h = (x.MatMul(w1) + tape.Track(B1)).Tanh();
        var logits = h.MatMul(tape.Track(W2)).Sigmoid() * 4.0;
        var labels = Enumerable.Range(0, 16).Select(i => (i + seed) % 10).ToArray();
        var loss = Losses.CrossEntropyFromLogits(logits, labels) + logits.Softmax().Square().Mean();
        tape.Backward(loss);
        ulong hash = Mix(14695981039346656037, BitConverter.DoubleToUInt64Bits(loss.Item));
        foreach (double g in w1.Grad) hash = Mix(hash, BitConverter.DoubleToUInt64Bits(g));
        if (seed % 40 == 0)
        {
            // 256×784·784×128: large enough for the kernels' worker pool, which serves one caller at a time
            var a = tape.Constant(Tensor.Uniform<float>(rng, -1, 1, 256, 784));
            var big = tape.Track(Big);
            var y = a.MatMul(big).Square().Sum();
            tape.Backward(y);
            hash = Mix(hash, BitConverter.SingleToUInt32Bits(y.Item));
            foreach (float g in big.Grad) hash = Mix(hash, BitConverter.SingleToUInt32Bits(g));
        }
        var s = tape.Variable(seed * 0.001);
        var f = Scalar.Exp(s) * Scalar.Sqrt(s + 1.0) / (s * s + 2.0);
        tape.Backward(f);
        return Mix(Mix(hash, BitConverter.DoubleToUInt64Bits(f.Value)), BitConverter.DoubleToUInt64Bits(s.Grad));
    }

    private static ulong Mix(ulong h, ulong v) => (h ^ v) * 1099511628211;

    [Fact]
    public void Eight_threads_of_200_iterations_match_a_serial_run_bit_for_bit()
    {
        var serialTape = new Tape();
        var expected = new ulong[Threads, Iterations];
        for (int t = 0; t < Threads; t++)
            for (int i = 0; i < Iterations; i++) expected[t, i] = Iteration(serialTape, t * 1000 + i);

        var got = new ulong[Threads, Iterations];
        using var go = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var tape = new Tape(); // one tape per thread
            go.SignalAndWait();
            for (int i = 0; i < Iterations; i++) got[t, i] = Iteration(tape, t * 1000 + i);
        })).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();

        for (int t = 0; t < Threads; t++)
            for (int i = 0; i < Iterations; i++)
                Assert.True(expected[t, i] == got[t, i], $"thread {t}, iteration {i}: results differ from the serial run");
        output.WriteLine($"threads × iterations: {Threads} × {Iterations}, bit-identical to the serial run");
    }

    [Fact]
    public void A_tape_recording_on_one_thread_refuses_a_second_thread_until_reset()
    {
        var tape = new Tape();
        var x = tape.Track(Tensor.From<double>([1, 2]));
        _ = x.Exp(); // this thread now owns the recording
        int me = Environment.CurrentManagedThreadId, other = 0;
        Exception? caught = null;
        var intruder = new Thread(() =>
        {
            other = Environment.CurrentManagedThreadId;
            try { tape.Track(Tensor.From<double>([3.0])); }
            catch (Exception e) { caught = e; }
        });
        intruder.Start();
        intruder.Join();
        var error = Assert.IsType<InvalidOperationException>(caught);
        Assert.Contains($"recording on thread {me}", error.Message);
        Assert.Contains($"thread {other} tried to record", error.Message);

        tape.Reset(); // hands the tape over
        var handover = new Thread(() => tape.Backward(tape.Track(Tensor.From<double>([3.0])).Exp().Sum()));
        handover.Start();
        handover.Join();
        tape.Reset();
        _ = tape.Track(Tensor.From<double>([1.0])); // and back
    }
}
