using AutoDiff.Nn;
using AutoDiff.Onnx;
using Google.Protobuf;
using Xunit;
using Xunit.Abstractions;

namespace AutoDiff.Tests.Onnx;

/// <summary>
/// Runs <see cref="OnnxBadInputCatalogue"/> as <see cref="Reliability.BadInputTests"/> runs its
/// catalogue, cuts a valid file at every byte, and checks that a failed export changes nothing on disk.
/// </summary>
public class OnnxBadInputTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-onnx-bad-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Every_bad_onnx_input_raises_its_documented_exception_naming_the_problem()
    {
        var cases = OnnxBadInputCatalogue.Rows(dir).ToList();
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
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} bad inputs misbehaved:\n" + string.Join("\n", failures));
        Assert.Equal(cases.Count, cases.Select(c => c.ToString()).Distinct().Count());
    }

    [Fact]
    public void A_file_cut_at_any_byte_is_refused_naming_the_file()
    {
        foreach (var bytes in new[] { OnnxBadInputCatalogue.Torch().ToByteArray(), Exported() })
            for (int length = 0; length < bytes.Length; length++)
            {
                string path = Path.Combine(dir, $"cut-{length}.onnx");
                File.WriteAllBytes(path, bytes[..length]);
                var e = Record.Exception(() => OnnxModel.Import<float>(path));
                Assert.True(e is InvalidDataException && e.Message.Contains(path, StringComparison.Ordinal),
                    $"cut at {length} of {bytes.Length}: {e?.GetType().Name ?? "no exception"}: {e?.Message}");
                File.Delete(path);
            }
    }

    private byte[] Exported()
    {
        string path = Path.Combine(dir, "whole.onnx");
        OnnxModel.Export(new Mlp<float>([3, 4, 2], [AutoDiff.Activations.LeakyReluFunction<float>(0.2), null], seed: 1), path);
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void A_failed_export_leaves_the_old_file_and_no_temporary_file()
    {
        string path = Path.Combine(dir, "keep.onnx");
        OnnxModel.Export(new Mlp<float>([2, 2], [null], seed: 1), path);
        var before = File.ReadAllBytes(path);
        var opaque = new ExpressionExportTests.Described<float>("Opaque", _ => null!, x => x);
        Assert.ThrowsAny<Exception>(() => OnnxModel.Export(new Mlp<float>([2, 2], [opaque], seed: 2), path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
    }
}
