using System.Diagnostics;
using System.Runtime.InteropServices;
using AutoDiff.Kernels;
using AutoDiff.Nn;

namespace AutoDiff.Benchmarks;

/// <summary>
/// Where one training step of the 784→128→10 sigmoid MLP (log-softmax + NLL, SGD, float32) spends
/// its time: the whole step, the step without its update or backward sweep, the loss, and each
/// kernel it runs (the five GEMMs, sigmoid, SGD) timed alone on the same shapes. Differences between
/// the rows give the tape's own cost. Run: <c>dotnet run -c Release --project
/// benchmarks/AutoDiff.Benchmarks -- --profile-step 1,32,128,1024 [threads]</c>.
/// Times are medians of ~1 ms blocks, as wall time and as the thread's CPU time (which a busy
/// machine's other processes do not inflate).
/// </summary>
public static class StepProfile
{
    public static void Run(int[] batches, int threads, TextWriter output)
    {
        Parallelism.MaxThreads = threads;
        output.WriteLine($"MLP step profile, {threads} thread(s); load {File.ReadAllText("/proc/loadavg").Trim()}");
        output.WriteLine($"{"batch",5} {"part",-34} {"wall µs",9} {"cpu µs",9}");
        foreach (int batch in batches)
        {
            var s = new Setup(batch);
            // Past tiered compilation: every method on the path reaches tier 1 (≈ 2,000 steps at batch 1).
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 2) s.Step(backward: true, update: true);
            int b = batch;
            var sigmoid = Activations.SigmoidFunction<float>();
            // The SGD row needs this sweep's gradients: it runs right after "forward + loss + backward".
            var rows = new (string Name, Action Run)[]
            {
                ("step (forward, loss, backward, SGD)", () => s.Step(backward: true, update: true)),
                ("forward + loss + backward", () => s.Step(backward: true, update: false)),
                ("SGD update alone", () => s.Sgd.Step(s.Mlp.Parameters)),
                ("forward + loss", () => s.Step(backward: false, update: false)),
                ("forward (no loss)", () => s.Forward()),
                ("reset + constant (batch shared)", () => s.Input()),
                ("reset + constant (batch copied in)", () => s.InputCopied()),
                ("GEMM x·W1 (b×784·784×128)", () => Gemm.Multiply<float>(false, false, b, 128, 784, s.X, s.W1, s.H, false)),
                ("GEMM h·W2 (b×128·128×10)", () => Gemm.Multiply<float>(false, false, b, 10, 128, s.H, s.W2, s.Z, false)),
                ("GEMM dW2 = hᵀ·dz (128×b·b×10)", () => Gemm.Multiply<float>(true, false, 128, 10, b, s.H, s.Z, s.DW2, false)),
                ("GEMM dh = dz·W2ᵀ (b×10·10×128)", () => Gemm.Multiply<float>(false, true, b, 128, 10, s.Z, s.W2, s.H2, false)),
                ("GEMM dW1 = xᵀ·dh (784×b·b×128)", () => Gemm.Multiply<float>(true, false, 784, 128, b, s.X, s.H2, s.DW1, false)),
                ("sigmoid forward (b×128)", () => sigmoid.Forward(s.H, s.H2)),
                ("sigmoid backward (b×128)", () => sigmoid.Backward(s.H, s.H2, s.H, s.H3)),
            };
            var times = TimeInterleaved(rows.Select(r => r.Run).ToArray());
            for (int i = 0; i < rows.Length; i++)
                output.WriteLine($"{batch,5} {rows[i].Name,-34} {times[i].Wall,9:0.00} {times[i].Cpu,9:0.00}");
        }
    }

    /// <summary>
    /// Where a multi-threaded step's parameter update runs (issue 12, fourth pass): the step as it is (the
    /// built-in optimiser updates large parameters in the ranges the products were split into), the same
    /// step with the update forced onto the calling thread, and forward + loss + backward alone, timed in
    /// alternating blocks. Run: <c>dotnet run -c Release --project benchmarks/AutoDiff.Benchmarks --
    /// --profile-update 128,1024 [threads]</c>.
    /// </summary>
    public static void RunUpdateLocality(int[] batches, int threads, TextWriter output)
    {
        Parallelism.MaxThreads = threads;
        output.WriteLine($"MLP step with the update split or on the caller, {threads} thread(s); load {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (int batch in batches)
        {
            var s = new Setup(batch);
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 2) s.Step(backward: true, update: true);
            var rows = new (string Name, Action Run)[]
            {
                ("step, update split as the products", () => s.Step(backward: true, update: true)),
                ("step, update on the calling thread", () =>
                {
                    s.Step(backward: true, update: false);
                    Parallelism.MaxThreads = 1;
                    s.Sgd.Step(s.Mlp.Parameters);
                    Parallelism.MaxThreads = threads;
                }),
                ("forward + loss + backward, no update", () => s.Step(backward: true, update: false)),
            };
            var times = TimeInterleaved(rows.Select(r => r.Run).ToArray(), seconds: 10);
            for (int i = 0; i < rows.Length; i++)
                output.WriteLine($"{batch,5} {rows[i].Name,-38} {times[i].Wall,9:0.00} µs");
        }
    }

    /// <summary>
    /// Median µs per call of each action: rounds of ~1 ms blocks, one block of every action per round,
    /// so a load that changes during the run weighs on all rows alike; wall and thread CPU time.
    /// </summary>
    public static (double Wall, double Cpu)[] TimeInterleaved(Action[] actions, double seconds = 3)
    {
        var reps = new int[actions.Length];
        for (int i = 0; i < actions.Length; i++)
        {
            reps[i] = 1;
            while (true)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps[i]; r++) actions[i]();
                if (Stopwatch.GetElapsedTime(t0).TotalMilliseconds >= 1) break;
                reps[i] *= 2;
            }
        }
        var wall = actions.Select(_ => new List<double>()).ToArray();
        var cpu = actions.Select(_ => new List<double>()).ToArray();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds || wall[0].Count < 5)
            for (int i = 0; i < actions.Length; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                double c0 = ThreadCpuSeconds();
                for (int r = 0; r < reps[i]; r++) actions[i]();
                cpu[i].Add((ThreadCpuSeconds() - c0) * 1e6 / reps[i]);
                wall[i].Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds / reps[i]);
            }
        return wall.Select((w, i) => (Median(w), Median(cpu[i]))).ToArray();
    }

    static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    sealed class Setup
    {
        public readonly Mlp<float> Mlp = new([784, 128, 10], [Activations.SigmoidFunction<float>(), null], seed: 1);
        public readonly Sgd<float> Sgd = new(0.01);
        readonly Tape tape = new();
        readonly int[] labels;
        public readonly float[] X, W1, W2, H, H2, H3, Z, DW1, DW2;
        readonly int batch;
        readonly Tensor<float> xTensor;

        public Setup(int batch)
        {
            this.batch = batch;
            var rng = new Random(2);
            X = Enumerable.Range(0, batch * 784).Select(_ => (float)rng.NextDouble()).ToArray();
            labels = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
            xTensor = new Tensor<float>(X, new Shape(batch, 784));
            W1 = Mlp.Layers[0].Weight.Value.Data;
            W2 = Mlp.Layers[1].Weight.Value.Data;
            (H, H2, H3, Z) = (new float[batch * 128], new float[batch * 128], new float[batch * 128], new float[batch * 10]);
            (DW1, DW2) = (new float[784 * 128], new float[128 * 10]);
            Step(backward: true, update: false);
        }

        /// <summary>The batch as a leaf sharing <see cref="X"/>, as the side-by-side harness feeds it.</summary>
        public Var<float> Input()
        {
            tape.Reset();
            return tape.Constant(xTensor);
        }

        public Var<float> InputCopied()
        {
            tape.Reset();
            return tape.Constant<float>(X, batch, 784);
        }

        public Var<float> Forward() => Mlp.Forward(Input());

        public void Step(bool backward, bool update)
        {
            var loss = Losses.CrossEntropyFromLogits(Forward(), labels);
            if (backward) tape.Backward(loss);
            if (update) Sgd.Step(Mlp.Parameters);
        }
    }

    /// <summary>Median µs per call over blocks of about 1 ms, for ~0.4 s after a ~0.2 s warm-up: wall and thread CPU time.</summary>
    public static (double Wall, double Cpu) Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        int reps = 1;
        while (clock.Elapsed.TotalSeconds < 0.2)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < reps; i++) action();
            if (Stopwatch.GetElapsedTime(t0).TotalMilliseconds < 1) reps *= 2;
        }
        var wall = new List<double>();
        var cpu = new List<double>();
        clock.Restart();
        while (clock.Elapsed.TotalSeconds < 0.4 || wall.Count < 5)
        {
            long t0 = Stopwatch.GetTimestamp();
            double c0 = ThreadCpuSeconds();
            for (int i = 0; i < reps; i++) action();
            cpu.Add((ThreadCpuSeconds() - c0) * 1e6 / reps);
            wall.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds / reps);
        }
        wall.Sort();
        cpu.Sort();
        return (wall[wall.Count / 2], cpu[cpu.Count / 2]);
    }

    /// <summary>The calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>); NaN elsewhere.</summary>
    public static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        clock_gettime(3, out var ts);
        return ts.Seconds + ts.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int clock_gettime(int clock, out TimeSpec time);
}
