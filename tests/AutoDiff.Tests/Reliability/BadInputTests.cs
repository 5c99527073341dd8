using Xunit;
using Xunit.Abstractions;

namespace AutoDiff.Tests.Reliability;

/// <summary>
/// Runs the whole <see cref="BadInputCatalogue"/>: each bad input raises exactly its documented
/// exception type (never a NullReferenceException, IndexOutOfRangeException or a silent NaN) with a
/// message that names the problem.
/// </summary>
public class BadInputTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-bad-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Every_bad_input_raises_its_documented_exception_naming_the_problem()
    {
        var cases = BadInputCatalogue.Core().Concat(BadInputCatalogue.Networks()).Concat(BadInputCatalogue.Files(dir)).ToList();
        var failures = new List<string>();
        foreach (var c in cases)
        {
            Exception? thrown = null;
            try { c.Run(); }
            catch (Exception e) { thrown = e; }
            if (thrown is null) failures.Add($"{c}: nothing was thrown (expected {c.Expected.Name})");
            else if (thrown.GetType() != c.Expected) failures.Add($"{c}: {thrown.GetType().Name} ({thrown.Message}), expected {c.Expected.Name}");
            else if (c.Says.FirstOrDefault(s => !thrown.Message.Contains(s, StringComparison.Ordinal)) is { } missing)
                failures.Add($"{c}: the message \"{thrown.Message}\" does not say \"{missing}\"");
        }
        foreach (var area in cases.GroupBy(c => c.Area)) output.WriteLine($"{area.Key}: {area.Count()} bad inputs");
        output.WriteLine($"bad inputs tried: {cases.Count}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} bad inputs misbehaved:\n" + string.Join("\n", failures));
        Assert.True(cases.Count >= 60);
        Assert.Equal(cases.Count, cases.Select(c => c.ToString()).Distinct().Count());
    }

    [Fact]
    public void A_no_grad_scope_disposed_twice_does_not_close_the_scope_around_it()
    {
        var tape = new Tape();
        using (tape.NoGrad())
        {
            var inner = tape.NoGrad();
            inner.Dispose();
            inner.Dispose();
            Assert.False(tape.IsRecording);
        }
        Assert.True(tape.IsRecording);
    }

    [Fact]
    public void A_step_refused_for_a_nan_gradient_changes_no_parameter()
    {
        var net = new AutoDiff.Nn.Mlp<double>([3, 4, 2], [null, null], seed: 1);
        var before = net.Parameters.Select(p => p.Value.Data.ToArray()).ToArray();
        var tape = new Tape();
        // the NaN reaches only the last layer's bias gradient through the loss: earlier parameters are finite
        var y = net.Forward(tape.Constant(Tensor.From<double>([1, 2, 3], 1, 3)));
        tape.Backward((y * tape.Constant(Tensor.From<double>([double.NaN, 1], 2))).Sum());
        var adam = new AutoDiff.Nn.Adam<double>(0.1);
        Assert.Throws<InvalidOperationException>(() => adam.Step(net.Parameters));
        Assert.Equal(0, adam.Steps);
        Assert.Equal(before.SelectMany(v => v), net.Parameters.SelectMany(p => p.Value.Data));
    }
}
