using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Conv;

/// <summary>Sequential models in model files (format version 2): bit-exact round trips of every layer kind, old MLP files, and damaged or mismatched files refused without touching the model.</summary>
public class SequentialModelFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("autodiff-seq-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>One of every built-in layer kind, a nested sequence among them, with parameters and running statistics away from their initial values.</summary>
    private static Sequential<float> Model(int seed)
    {
        var rng = new Random(seed);
        var bn = new BatchNorm2d<float>(2, epsilon: 1e-4, momentum: 0.2);
        var model = new Sequential<float>(
            new Conv2d<float>(1, 2, 3, rng, padding: 1, activation: AutoDiff.Activations.ReluFunction<float>()),
            bn,
            new Activation<float>(AutoDiff.Activations.LeakyReluFunction<float>(0.2)),
            new MaxPool2d<float>(2),
            new Sequential<float>(new AvgPool2d<float>(1, 1), new Conv2d<float>(2, 2, 1, rng, groups: 2, bias: false)),
            new Flatten<float>(),
            new LayerNorm<float>([8]),
            new Dropout<float>(0.25, 11),
            new Dense<float>(8, 3, AutoDiff.Activations.TanhFunction<float>(), rng));
        foreach (var p in model.Parameters)
            for (int i = 0; i < p.Value.Length; i++) p.Value.Span[i] += (float)(rng.NextDouble() - 0.5);
        for (int i = 0; i < 2; i++) { bn.RunningMean.Span[i] = (float)rng.NextDouble(); bn.RunningVariance.Span[i] = 1 + (float)rng.NextDouble(); }
        return model;
    }

    private static int[] Bits(Sequential<float> m) =>
        m.Parameters.SelectMany(p => p.Value.Data)
            .Concat(m.Layers.OfType<BatchNorm2d<float>>().SelectMany(b => b.RunningMean.Data.Concat(b.RunningVariance.Data)))
            .Select(BitConverter.SingleToInt32Bits).ToArray();

    [Fact]
    public void Round_trip_of_every_layer_kind_is_bit_exact_and_behaves_the_same()
    {
        var m = Model(1);
        m.Parameters[0].Value.Span[0] = float.NaN;
        m.Parameters[0].Value.Span[1] = -0f;
        string path = Path.Combine(dir, "m.admf");
        ModelFile.Save(m, path);
        var loaded = ModelFile.LoadSequential<float>(path);
        Assert.Equal(Bits(m), Bits(loaded));
        Assert.Equal(m.ToString(), loaded.ToString());
        Assert.Equal(ModelFile.Serialize(m), ModelFile.Serialize(loaded));
        var into = Model(2);
        ModelFile.LoadInto(into, path);
        Assert.Equal(Bits(m), Bits(into));

        m.Parameters[0].Value.Span[0] = 0.25f;
        loaded.Parameters[0].Value.Span[0] = 0.25f;
        var x = Tensor.Uniform<float>(new Random(2), -1, 1, 3, 1, 4, 4);
        Assert.Equal(m.Predict(x).Data, loaded.Predict(x).Data);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
    }

    [Fact]
    public void An_mlp_file_still_loads_as_an_mlp_and_as_a_sequence_of_dense_layers()
    {
        var mlp = new Mlp<float>([3, 4, 2], [AutoDiff.Activations.SigmoidFunction<float>(), null], 1);
        string path = Path.Combine(dir, "mlp.admf");
        ModelFile.Save(mlp, path);
        Assert.Equal(1, BitConverter.ToInt32(File.ReadAllBytes(path), 4)); // MLPs are still written as version 1
        var seq = ModelFile.LoadSequential<float>(path);
        Assert.All(seq.Layers, l => Assert.IsType<Dense<float>>(l));
        var x = new float[] { 0.1f, -0.4f, 0.9f, 1, 2, 3 };
        var a = new float[4];
        var b = new float[4];
        mlp.Predict(x, 2, a);
        seq.Predict(x, [2, 3], b);
        Assert.Equal(a, b);
        Assert.Contains("LoadSequential", Assert.Throws<InvalidDataException>(() => ModelFile.Load<float>(Save(Model(1), "seq.admf"))).Message);
        Assert.Contains("holds an MLP", Assert.Throws<InvalidDataException>(() => ModelFile.LoadInto(Model(1), path)).Message);
    }

    private string Save(Sequential<float> m, string name)
    {
        string path = Path.Combine(dir, name);
        ModelFile.Save(m, path);
        return path;
    }

    [Fact]
    public void Every_truncation_and_every_bit_flip_is_refused_and_loses_nothing()
    {
        var small = new Sequential<float>(new Conv2d<float>(1, 1, 2, new Random(1)), new Flatten<float>(), new Dense<float>(4, 2, null, new Random(2)));
        string path = Save(small, "small.admf");
        var good = File.ReadAllBytes(path);
        var target = new Sequential<float>(new Conv2d<float>(1, 1, 2, new Random(3)), new Flatten<float>(), new Dense<float>(4, 2, null, new Random(4)));
        var before = Bits(target);
        int faults = 0;
        void Expect(byte[] bad)
        {
            File.WriteAllBytes(path, bad);
            var e = Assert.Throws<InvalidDataException>(() => ModelFile.LoadInto(target, path));
            Assert.Contains(path, e.Message);
            Assert.Throws<InvalidDataException>(() => ModelFile.LoadSequential<float>(path));
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
        Assert.Equal(before, Bits(target));
    }

    [Fact]
    public void Mismatched_models_unknown_layers_and_wrong_element_types_are_named()
    {
        string path = Save(Model(1), "m.admf");
        var wider = new Sequential<float>(new Conv2d<float>(1, 3, 3, new Random(1), padding: 1), new Flatten<float>());
        Assert.Contains("the model has 9 layers in the file but 2 in memory", Assert.Throws<InvalidDataException>(() => ModelFile.LoadInto(new Sequential<float>(new Flatten<float>(), new Flatten<float>()), path)).Message);
        var changed = new Sequential<float>(new Conv2d<float>(1, 2, 3, new Random(1), padding: 2), new Flatten<float>());
        string two = Save(new Sequential<float>(new Conv2d<float>(1, 2, 3, new Random(1), padding: 1), new Flatten<float>()), "two.admf");
        Assert.Contains("layer 0 (conv2d) has attributes [1, 1, 1, 1; ] in the file but [1, 2, 1, 1; ]", Assert.Throws<InvalidDataException>(() => ModelFile.LoadInto(changed, two)).Message);
        Assert.Contains("tensor 0 is [2, 1, 3, 3] in the file but [3, 1, 3, 3]", Assert.Throws<InvalidDataException>(() => ModelFile.LoadInto(wider, two)).Message);
        Assert.Contains("4-byte values", Assert.Throws<InvalidDataException>(() => ModelFile.LoadSequential<double>(path)).Message);
        Assert.Contains("cannot be saved", Assert.Throws<ArgumentException>(() => ModelFile.Serialize(new Sequential<float>(new Custom()))).Message);
        Assert.Contains("layer 0 (conv2d) uses activation 'Relu', which is unknown", Assert.Throws<InvalidDataException>(() => ModelFile.LoadSequential<float>(path, _ => null)).Message);
    }

    private sealed class Custom : ILayer<float>
    {
        public Var<float> Forward(Var<float> x) => x;
        public IReadOnlyList<Parameter<float>> Parameters => [];
    }
}
