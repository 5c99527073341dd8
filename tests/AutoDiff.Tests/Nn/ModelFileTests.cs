using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Nn;

/// <summary>Model files round-trip exactly, and a damaged file is refused without touching the model or the file.</summary>
public class ModelFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-model-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static Mlp<float> Model(int seed) => new([3, 4, 2], [null, null], seed);

    private static float[][] Snapshot(Mlp<float> m) => m.Parameters.Select(p => p.Value.Data.ToArray()).ToArray();

    [Fact]
    public void Round_trip_is_bit_exact()
    {
        var m = Model(1);
        m.Parameters[1].Value[0] = float.NaN;
        m.Parameters[0].Value[0, 0] = -0f;
        string path = Path.Combine(dir, "m.admf");
        ModelFile.Save(m, path);
        var loaded = ModelFile.Load<float>(path);
        Assert.Equal(Snapshot(m).SelectMany(x => x).Select(BitConverter.SingleToInt32Bits), Snapshot(loaded).SelectMany(x => x).Select(BitConverter.SingleToInt32Bits));
        var into = Model(2);
        ModelFile.LoadInto(into, path);
        Assert.Equal(Snapshot(m).SelectMany(x => x).Select(BitConverter.SingleToInt32Bits), Snapshot(into).SelectMany(x => x).Select(BitConverter.SingleToInt32Bits));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
    }

    [Fact]
    public void Every_truncation_and_every_bit_flip_is_refused_and_loses_nothing()
    {
        string path = Path.Combine(dir, "m.admf");
        ModelFile.Save(Model(1), path);
        var good = File.ReadAllBytes(path);
        var target = Model(2);
        var before = Snapshot(target);
        int faults = 0;
        void Expect(byte[] bad)
        {
            File.WriteAllBytes(path, bad);
            var e = Assert.Throws<InvalidDataException>(() => ModelFile.LoadInto(target, path));
            Assert.Contains(path, e.Message);
            Assert.Throws<InvalidDataException>(() => ModelFile.Load<float>(path));
            Assert.Equal(bad, File.ReadAllBytes(path)); // the file on disk is untouched
            faults++;
        }
        for (int len = 0; len < good.Length; len++) Expect(good[..len]);
        for (int bit = 0; bit < good.Length * 8; bit++)
        {
            var bad = (byte[])good.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Expect(bad);
        }
        Assert.Equal(good.Length * 9, faults);
        Assert.Equal(before.SelectMany(x => x), Snapshot(target).SelectMany(x => x)); // the model in memory is unchanged
    }

    [Fact]
    public void Wrong_shape_future_version_and_wrong_element_type_are_named()
    {
        string path = Path.Combine(dir, "m.admf");
        ModelFile.Save(Model(1), path);
        var other = new Mlp<float>([3, 5, 2], [null, null], 1);
        Assert.Contains("layer 0 is 3→4 but the model's is 3→5", Assert.Throws<InvalidDataException>(() => ModelFile.LoadInto(other, path)).Message);
        Assert.Contains("4-byte values", Assert.Throws<InvalidDataException>(() => ModelFile.Load<double>(path)).Message);

        var bytes = ModelFile.Serialize(Model(1));
        bytes[4] = 3; // version 3 (a future one), checksum fixed up so only the version is wrong
        var crc = BitConverter.GetBytes(Crc(bytes.AsSpan(0, bytes.Length - 4)));
        crc.CopyTo(bytes, bytes.Length - 4);
        File.WriteAllBytes(path, bytes);
        Assert.Contains("version 3 is not supported", Assert.Throws<InvalidDataException>(() => ModelFile.Load<float>(path)).Message);
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => ModelFile.Load<float>(Path.Combine(dir, "none.admf"))).Message);
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    [Fact]
    public void A_failing_save_names_the_target_and_leaves_no_temporary_file()
    {
        if (!OperatingSystem.IsLinux()) return; // /proc refuses new files even to root
        var e = Assert.ThrowsAny<Exception>(() => ModelFile.Save(Model(1), "/proc/model.admf"));
        Assert.True(e is IOException or UnauthorizedAccessException, e.ToString());
        Assert.Contains("Cannot save the model to /proc/model.admf", e.Message);
        Assert.DoesNotContain(".tmp-", e.Message);
        Assert.Empty(Directory.GetFiles("/proc", "model.admf*"));
    }
}
