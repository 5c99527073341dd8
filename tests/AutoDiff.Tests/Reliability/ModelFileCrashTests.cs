using AutoDiff.Nn;
using Xunit;
using Xunit.Abstractions;

namespace AutoDiff.Tests.Reliability;

/// <summary>
/// A save that fails part-way leaves the old model and no temporary file; readers never see a torn
/// file. (Truncation at every byte and every bit flip: <see cref="Tests.Nn.ModelFileTests"/>.)
/// </summary>
public class ModelFileCrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-crash-").FullName;

    public void Dispose()
    {
        foreach (var d in Directory.GetDirectories(dir, "*", SearchOption.AllDirectories)) Writable(d, true);
        Directory.Delete(dir, recursive: true);
    }

    private static void Writable(string folder, bool writable)
    {
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute | (writable ? UnixFileMode.UserWrite : 0));
    }

    private static Mlp<float> Model(int seed) => new([3, 4, 2], [null, null], seed);

    private string[] Leftovers(string folder) => Directory.GetFiles(folder, "*.tmp-*");

    [Fact]
    public void Saving_onto_a_directory_fails_after_writing_and_leaves_no_temporary_file()
    {
        string target = Path.Combine(dir, "m.admf");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "inside.txt"), "keep");
        var e = Record.Exception(() => ModelFile.Save(Model(1), target));
        Assert.True(e is IOException or UnauthorizedAccessException, $"expected an I/O error, got {e?.GetType().Name ?? "nothing"}");
        Assert.True(Directory.Exists(target));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(target, "inside.txt")));
        Assert.Empty(Leftovers(dir));
    }

    [Fact]
    public void Saving_into_a_read_only_directory_keeps_the_old_model()
    {
        string folder = Directory.CreateDirectory(Path.Combine(dir, "ro")).FullName;
        string target = Path.Combine(folder, "m.admf");
        ModelFile.Save(Model(1), target);
        var old = File.ReadAllBytes(target);
        Writable(folder, false);
        try
        {
            var e = Record.Exception(() => ModelFile.Save(Model(2), target));
            if (e is null && !OperatingSystem.IsWindows())
            {
                // root ignores directory permissions: the save was allowed, and it is complete
                output.WriteLine("running as root: the read-only directory did not stop the save");
                Assert.Equal(ModelFile.Serialize(Model(2)), File.ReadAllBytes(target));
            }
            else
            {
                Assert.IsType<UnauthorizedAccessException>(e);
                Assert.Equal(old, File.ReadAllBytes(target));
            }
            Assert.Empty(Leftovers(folder));
        }
        finally
        {
            Writable(folder, true);
        }
    }

    [Fact]
    public void A_model_that_fails_to_serialise_part_way_leaves_the_old_file_untouched()
    {
        string target = Path.Combine(dir, "m.admf");
        ModelFile.Save(Model(1), target);
        var old = File.ReadAllBytes(target);
        var broken = new Mlp<float>([3, 4, 2], [null, new ThrowingName()], 1); // fails at layer 1, after layer 0 was written
        Assert.Throws<InvalidOperationException>(() => ModelFile.Save(broken, target));
        Assert.Equal(old, File.ReadAllBytes(target));
        Assert.Empty(Leftovers(dir));
    }

    [Fact]
    public async Task Readers_racing_a_writer_only_ever_see_a_whole_model()
    {
        string target = Path.Combine(dir, "m.admf");
        var models = new[] { Model(1), Model(2) };
        var bytes = models.Select(m => ModelFile.Serialize(m)).ToArray();
        ModelFile.Save(models[0], target);
        const int Saves = 100;
        int loads = 0;
        using var done = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            var into = Model(3);
            while (!done.IsCancellationRequested)
            {
                started.Set();
                ModelFile.LoadInto(into, target); // throws on a torn or half-written file
                var w = into.Parameters[0].Value.Data;
                Assert.True(w.SequenceEqual(models[0].Parameters[0].Value.Data) || w.SequenceEqual(models[1].Parameters[0].Value.Data));
                loads++;
            }
        });
        started.Wait();
        for (int i = 0; i < Saves; i++) ModelFile.Save(models[i % 2], target);
        done.Cancel();
        await reader;
        Assert.Equal(bytes[(Saves - 1) % 2], File.ReadAllBytes(target));
        Assert.Empty(Leftovers(dir));
        Assert.True(loads > 0);
        output.WriteLine($"{Saves} atomic saves raced by {loads} loads: every load saw a whole model");
    }

    [Fact]
    public void Fault_injection_counts()
    {
        // The model and the loops of ModelFileTests.Every_truncation_and_every_bit_flip_is_refused_and_loses_nothing.
        int length = ModelFile.Serialize(Model(1)).Length;
        output.WriteLine($"model file of {length} bytes: {length} truncations (every length 0..{length - 1}) and {8 * length} single-bit flips, each loaded twice");
        Assert.True(length > 100);
    }

    /// <summary>An activation whose name can be read once (by the layer's constructor), then fails.</summary>
    private sealed class ThrowingName : ElementwiseFunction<float>
    {
        public override string Name => throw new InvalidOperationException("no name");
        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => x.CopyTo(y);
        public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) { }
    }
}
