using AutoDiff.FsCheck;
using AutoDiff.Nn;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Builtin = AutoDiff.Activations;

namespace AutoDiff.Tests.Nn;

/// <summary>Training from the lecture's rules: the delta rule, XOR, and every activation × loss through GradCheck.</summary>
public class TrainingTests
{
    [Fact]
    public void One_sigmoid_neuron_trained_by_sgd_on_l2_performs_the_lecture_update()
    {
        // Lecture: δ = d − y;  wᵢ ← wᵢ + η·δ·f'(z)·xᵢ  (and b ← b + η·δ·f'(z)), with f' = σ(1 − σ).
        double[] x = [0.5, -1.2, 2.0], w = [0.3, -0.1, 0.25];
        double b = 0.05, d = 1.0, eta = 0.7;
        double z = b + x.Zip(w).Sum(p => p.First * p.Second);
        double y = 1 / (1 + Math.Exp(-z));
        double delta = d - y, fPrime = y * (1 - y);
        double[] expected = w.Select((wi, i) => wi + eta * delta * fPrime * x[i]).ToArray();
        double expectedBias = b + eta * delta * fPrime;

        var neuron = new Dense<double>(Tensor.From<double>(w, 3, 1), Tensor.From<double>([b]), Builtin.SigmoidFunction<double>());
        var tape = new Tape();
        var output = neuron.Forward(tape.Constant(Tensor.From<double>(x, 1, 3)));
        Assert.Equal(y, output.Item, 1e-15);
        tape.Backward(Losses.L2(output, tape.Constant(Tensor.From<double>([d], 1, 1))));
        new Sgd<double>(eta).Step([neuron.Weight, neuron.Bias]);

        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], neuron.Weight.Value[i, 0], 1e-15);
        Assert.Equal(expectedBias, neuron.Bias.Value[0], 1e-15);
    }

    [Fact]
    public void A_small_mlp_learns_xor_to_zero_error()
    {
        var x = Tensor.From<double>([0, 0, 0, 1, 1, 0, 1, 1], 4, 2);
        var d = Tensor.From<double>([0, 1, 1, 0], 4, 1);
        var mlp = new Mlp<double>([2, 8, 1], [Builtin.TanhFunction<double>(), null], seed: 1);
        var opt = new Adam<double>(0.05);
        var tape = new Tape();
        for (int step = 0; step < 300; step++)
        {
            tape.Reset();
            tape.Backward(Losses.BinaryCrossEntropyFromLogits(mlp.Forward(tape.Constant(x)), tape.Constant(d)));
            opt.Step(mlp.Parameters);
        }
        var logits = new double[4];
        mlp.Predict(x.Span, 4, logits);
        Assert.Equal([0, 1, 1, 0], logits.Select(l => l > 0 ? 1.0 : 0.0));
    }

    public static TheoryData<string, string> ActivationsAndLosses()
    {
        var data = new TheoryData<string, string>();
        foreach (var a in Builtin.Names)
            foreach (var l in new[] { "l2", "binary-kl-logits", "multiclass-kl-logits", "multiclass-kl-softmax" })
                data.Add(a, l);
        return data;
    }

    [Theory]
    [MemberData(nameof(ActivationsAndLosses))]
    public void Whole_mlp_gradients_pass_gradcheck_over_random_batches(string activation, string loss)
    {
        var act = Builtin.ByName<double>(activation);
        var cases = Gen.Zip(TensorArb.Dim(1, 5), TensorArb.Dim(1, 4)).SelectMany(p => Gen.Zip(TensorArb.Dim(2, 4), Gen.Choose(0, 10000)).Select(q => (Batch: p.Item1, Inputs: p.Item2, Classes: q.Item1, Seed: q.Item2)));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var mlp = new Mlp<double>([c.Inputs, 5, c.Classes], [act, null], c.Seed);
            var rng = new Random(c.Seed);
            var x = Tensor.Uniform<double>(rng, -1.5, 1.5, c.Batch, c.Inputs);
            var target = Tensor.Uniform<double>(rng, 0, 1, c.Batch, c.Classes);
            int[] labels = Enumerable.Range(0, c.Batch).Select(_ => rng.Next(c.Classes)).ToArray();
            Func<Tape, Var<double>> f = loss switch
            {
                "l2" => t => Losses.L2(mlp.Forward(t.Constant(x)), t.Constant(target)),
                "binary-kl-logits" => t => Losses.BinaryCrossEntropyFromLogits(mlp.Forward(t.Constant(x)), t.Constant(target)),
                "multiclass-kl-logits" => t => Losses.CrossEntropyFromLogits(mlp.Forward(t.Constant(x)), labels),
                _ => t => Losses.CrossEntropy(mlp.Forward(t.Constant(x)).Softmax(), labels),
            };
            // Kinked activations (step, ReLU, leaky ReLU) are differentiable except where a hidden
            // pre-activation is 0; a case with one within 1e-4 of its kink says nothing about the gradient.
            var pre = new Tape();
            var first = mlp.Layers[0];
            var z = pre.Constant(x).MatMul(pre.Constant(first.Weight.Value)) + pre.Constant(first.Bias.Value);
            double nearestKink = z.Value.ToArray().Min(v => Math.Abs(v));
            var r = GradCheck.Check(f, mlp.Parameters, new GradCheckOptions { AbsoluteTolerance = 1e-5, RelativeTolerance = 1e-3 });
            return r.Passed.Label($"{r}; nearest hidden pre-activation to 0: {nearestKink:G3}").When(nearestKink > 1e-4);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(20).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void Model_files_keep_activations_and_their_parameters()
    {
        var mlp = new Mlp<float>([3, 4, 4, 2], [Builtin.LeakyReluFunction<float>(0.2), Builtin.EluFunction<float>(0.5), Builtin.SigmoidFunction<float>()], 3);
        string path = Path.Combine(Path.GetTempPath(), $"autodiff-act-{Guid.NewGuid():N}.admf");
        try
        {
            ModelFile.Save(mlp, path);
            var loaded = ModelFile.Load<float>(path);
            var x = Tensor.Uniform<float>(new Random(1), -2, 2, 5, 3);
            float[] a = new float[10], b = new float[10];
            mlp.Predict(x.Span, 5, a);
            loaded.Predict(x.Span, 5, b);
            Assert.Equal(a, b);
            Assert.Equal(mlp.Layers.Select(l => l.Activation!.Name), loaded.Layers.Select(l => l.Activation!.Name));
        }
        finally { File.Delete(path); }
    }
}
