using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Reliability;

/// <summary>
/// Anomaly mode finds where a NaN or ∞ came from: the op, its tape position, its inputs' shapes and
/// the line that recorded it; off, it costs no allocation.
/// </summary>
public class AnomalyTests
{
    /// <summary>One way to make a non-finite number, and what the exception must say about it.</summary>
    public sealed record Case(string Name, Action<Tape> Run, string Op, int Position, string What, string Inputs)
    {
        public override string ToString() => Name;
    }

    private static Tensor<double> D(params double[] v) => Tensor.From<double>(v);

    public static TheoryData<Case> Cases() =>
    [
        new("scalar log(−1)", t => Scalar.Log(t.Variable(-1)), "Log", 1, "non-finite value", "scalar inputs #0 = -1"),
        new("scalar 0/0", t => _ = t.Variable(0) / t.Variable(0), "Div", 2, "non-finite value", "scalar inputs #0 = 0, #1 = 0"),
        new("scalar exp overflow", t => Scalar.Exp(t.Variable(1000)), "Exp", 1, "non-finite value", "scalar inputs #0 = 1000"),
        new("scalar √x at 0, in backward", t => t.Backward(Scalar.Sqrt(t.Variable(0)) + t.Variable(1)), "Sqrt", 1, "for its input #0", "scalar inputs #0 = 0"),
        new("scalar x^0.5 at 0, in backward", t => t.Backward(Scalar.Pow(t.Variable(0), 0.5)), "PowConst", 1, "for its input #0", "scalar inputs #0 = 0"),
        new("tensor log(−1)", t => t.Track(D(1, -1)).Log(), "Log", 1, "at element 1", "inputs #0 [2])"),
        new("tensor 0/0 broadcast", t => _ = t.Track(Tensor.Zeros<double>(2, 3)) / t.Track(D(1, 0, 1)), "Div", 2, "at element 1", "inputs #0 [2, 3], #1 [3])"),
        new("tensor NaN data", t => t.Constant(D(0, double.NaN, 2)), "Constant", 0, "at element 1", "inputs none)"),
        new("matmul overflow", t => t.Track(Tensor.Full(1e200, 2, 2)).MatMul(t.Track(Tensor.Full(1e200, 2, 1))), "MatMul", 2, "at element 0", "inputs #0 [2, 2], #1 [2, 1])"),
        new("float exp overflow", t => t.Track(Tensor.From<float>([1f, 100f])).Exp(), "Exp", 1, "at element 1", "inputs #0 [2])"),
        new("log of a subnormal, in backward", t => t.Backward(t.Track(D(1, 1e-320)).Log().Sum()), "Log", 1, "at element 1 of its input #0", "inputs #0 [2])"),
        new("division by a tiny number, in backward", t => t.Backward((t.Track(D(1)) / t.Track(D(1e-200))).Sum()), "Div", 2, "at element 0 of its input #1", "inputs #0 [1], #1 [1])"),
        new("overflow inside a loss", t => Losses.L2(t.Track(Tensor.From<float>([3e38f, 1f])), t.Constant(Tensor.From<float>([-3e38f, 1f]))), "Sub", 2, "at element 0", "inputs #0 [2], #1 [2])"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_anomaly_names_op_position_inputs_and_recording_site(Case c)
    {
        var tape = new Tape { DetectAnomalies = true };
        var e = Assert.Throws<AnomalyException>(() => c.Run(tape));
        Assert.Equal(c.Op, e.Operation);
        Assert.Equal(c.Position, e.Position);
        Assert.Contains($"at tape position {c.Position}", e.Message);
        Assert.Contains(c.What, e.Message);
        Assert.Contains(c.Inputs, e.Message);
        // The recording site is this test class (the lambdas of the table), not AutoDiff's own code.
        Assert.Contains($"recorded at {typeof(AnomalyTests).FullName}", e.Message);
        Assert.NotNull(e.RecordedAt);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Off_the_same_computations_run_without_a_word(Case c)
    {
        var tape = new Tape();
        c.Run(tape); // NaN and ∞ propagate as IEEE arithmetic says; nothing checks them
    }

    [Fact]
    public void A_tensor_nan_from_zero_over_zero_names_this_method_its_file_and_line()
    {
        var tape = new Tape { DetectAnomalies = true };
        var x = tape.Track(Tensor.From<double>([4, 0]));
        AnomalyException? caught = null;
        try { _ = x / x; }
        catch (AnomalyException e) { caught = e; }
        Assert.NotNull(caught);
        Assert.Contains($"{nameof(AnomalyTests)}.{nameof(A_tensor_nan_from_zero_over_zero_names_this_method_its_file_and_line)}", caught.Message);
        Assert.Matches(@"AnomalyTests\.cs:line \d+", caught.Message);
        Assert.Contains("Tensor op Div at tape position 1 (shape [2], inputs #0 [2], #0 [2])", caught.Message);
    }

    [Fact]
    public void A_nan_from_log_of_minus_one_names_this_method_its_file_and_line()
    {
        var tape = new Tape { DetectAnomalies = true };
        var x = tape.Variable(-1);
        AnomalyException? caught = null;
        try { Scalar.Log(x); }
        catch (AnomalyException e) { caught = e; }
        Assert.NotNull(caught);
        Assert.Contains($"{nameof(AnomalyTests)}.{nameof(A_nan_from_log_of_minus_one_names_this_method_its_file_and_line)}", caught.Message);
        Assert.Matches(@"AnomalyTests\.cs:line \d+", caught.Message);
    }

    [Fact]
    public void Ops_recorded_while_the_mode_was_off_are_reported_without_a_site()
    {
        var tape = new Tape();
        var x = tape.Track(Tensor.From<double>([0.0, 1.0]));
        var y = x.Log(); // −∞ at element 0, unchecked
        tape.DetectAnomalies = true;
        // −∞ − (−∞) = NaN: this op is checked, and recorded with the mode on
        Assert.Contains("recorded at", Assert.Throws<AnomalyException>(() => y - y).Message);
        tape.Reset();
        tape.DetectAnomalies = false;
        var z = tape.Track(Tensor.From<double>([1e-320])).Log().Sum();
        tape.DetectAnomalies = true;
        var e = Assert.Throws<AnomalyException>(() => tape.Backward(z));
        Assert.Contains("while anomaly mode was off", e.Message);
        Assert.Null(e.RecordedAt);
    }

    [Fact]
    public void Off_a_recording_loop_allocates_nothing_even_after_the_mode_was_used()
    {
        var tape = new Tape { DetectAnomalies = true };
        var w = Tensor.Uniform<double>(new Random(1), -1, 1, 8, 4);
        var data = Tensor.Uniform<double>(new Random(2), -1, 1, 16, 8);
        void Step()
        {
            tape.Reset();
            var loss = (tape.Constant(data).MatMul(tape.Track(w)).Exp() + 1.0).Log().Sum();
            tape.Backward(loss);
            var s = tape.Variable(0.5);
            tape.Backward(Scalar.Log(Scalar.Exp(s) + 1.0) * s);
        }
        Step(); // with the mode on: traces are captured
        tape.DetectAnomalies = false;
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
