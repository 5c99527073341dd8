using AutoDiff.Nn;
using Xunit;

namespace AutoDiff.Tests.Nn;

/// <summary>What a training loop needs around the tape: batches of rows, weight decay, snapshots, predictions and binary accuracy.</summary>
public class TrainingHelperTests
{
    [Fact]
    public void Gather_copies_the_rows_of_a_batch_in_its_order()
    {
        // Five samples of two values (sample i is [10i, 10i + 1]), batches of two: the last batch has one row.
        double[] data = [0, 1, 10, 11, 20, 21, 30, 31, 40, 41];
        int[] labels = [0, 1, 2, 3, 4];
        var batches = new MiniBatches(5, 2, seed: 3);
        batches.Shuffle();
        var buffer = new double[4];
        for (int b = 0; b < batches.Count; b++)
        {
            var rows = batches[b].ToArray();
            int n = batches.Gather(b, data, buffer);
            Assert.Equal(rows.Length, n);
            Assert.Equal(rows.SelectMany(i => new double[] { 10 * i, 10 * i + 1 }), buffer[..(2 * n)]);
            Assert.Equal(rows, batches.Gather(b, labels));
            var tensor = batches.Gather(b, Tensor.From<double>(data, 5, 2));
            Assert.Equal(new Shape(n, 2), tensor.Shape);
            Assert.Equal(buffer[..(2 * n)], tensor.Data);
        }
        Assert.Equal(1, batches[batches.Count - 1].Length);
    }

    [Fact]
    public void Decoupled_weight_decay_with_sgd_is_an_l2_penalty_on_the_loss()
    {
        // Loss ½‖w‖² with decay λ = 0.5 and η = 0.1: w ← (1 − ηλ)w − ηw = 0.85w, the same as SGD on ½‖w‖² + (λ/2)‖w‖².
        var decayed = new Parameter<double>("w", Tensor.From<double>([1, -2]));
        var penalised = new Parameter<double>("w", Tensor.From<double>([1, -2]));
        var tape = new Tape();
        var sgd = new Sgd<double>(0.1) { WeightDecay = 0.5 };
        var plain = new Sgd<double>(0.1);
        for (int step = 0; step < 3; step++)
        {
            tape.Reset();
            var w = decayed.On(tape);
            tape.Backward((w * w).Sum() * 0.5);
            sgd.Step([decayed]);

            tape.Reset();
            var v = penalised.On(tape);
            tape.Backward((v * v).Sum() * 0.5 + (v * v).Sum() * 0.25);
            plain.Step([penalised]);
        }
        Assert.Equal(Math.Pow(0.85, 3), decayed.Value[0], 1e-15);
        Assert.Equal(penalised.Value.Data, decayed.Value.Data.Select(x => Math.Round(x, 15)).ToArray(), (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void Adam_with_weight_decay_is_adamw()
    {
        // PyTorch's AdamW, step 1, w = 1, g = ∂(½w²)/∂w = 1, η = 0.1, λ = 0.01:
        // w ← w·(1 − ηλ) = 0.999, then m̂ = g = 1, v̂ = g² = 1, w ← 0.999 − 0.1·1/(1 + 1e-8) = 0.899000001.
        var p = new Parameter<double>("w", Tensor.From<double>([1]));
        var tape = new Tape();
        var v = p.On(tape);
        tape.Backward((v * v).Sum() * 0.5);
        new Adam<double>(0.1) { WeightDecay = 0.01 }.Step([p]);
        Assert.Equal(0.999 - 0.1 / (1 + 1e-8), p.Value[0], 1e-15);
    }

    [Fact]
    public void A_snapshot_restores_the_values_it_captured()
    {
        var mlp = new Mlp<double>([2, 3, 1], [AutoDiff.Activations.TanhFunction<double>(), null], seed: 1);
        var original = mlp.Parameters.Select(p => p.Value.Data.ToArray()).ToArray();
        var best = new ParameterSnapshot<double>(mlp.Parameters);
        foreach (var p in mlp.Parameters) p.Value.Span.Fill(7);
        best.Restore();
        Assert.Equal(original, mlp.Parameters.Select(p => p.Value.Data.ToArray()));

        foreach (var p in mlp.Parameters) p.Value.Span.Fill(2);
        best.Capture();
        foreach (var p in mlp.Parameters) p.Value.Span.Fill(3);
        best.Restore();
        Assert.All(mlp.Parameters, p => Assert.All(p.Value.Data, x => Assert.Equal(2, x)));
        Assert.Equal(1, best.Captures);
    }

    [Fact]
    public void Predict_on_a_tensor_matches_the_buffer_form()
    {
        var mlp = new Mlp<double>([3, 4, 2], [AutoDiff.Activations.TanhFunction<double>(), null], seed: 2);
        var x = Tensor.Uniform<double>(new Random(1), -1, 1, 5, 3);
        var expected = new double[10];
        mlp.Predict(x.Span, 5, expected);
        var batch = mlp.Predict(x);
        Assert.Equal(new Shape(5, 2), batch.Shape);
        Assert.Equal(expected, batch.Data);
        var one = mlp.Predict(Tensor.From<double>(x.Data[9..12]));
        Assert.Equal(new Shape(2), one.Shape);
        Assert.Equal(expected[6..8], one.Data);
    }

    [Fact]
    public void Binary_accuracy_from_logits_counts_z_above_zero_as_positive()
    {
        // Logits [2, −1, 0.5, −3, 0] against [1, 0, 0, 1, 0]: predictions 1 0 1 0 0 → right, right, wrong, wrong, right = 3/5.
        double[] z = [2, -1, 0.5, -3, 0];
        Assert.Equal(0.6, Metrics.BinaryAccuracyFromLogits<double>(z, [1, 0, 0, 1, 0]));
        var predicted = new int[5];
        Metrics.Threshold<double>(z, 0, predicted);
        Assert.Equal([1, 0, 1, 0, 0], predicted);
        Metrics.Threshold<double>([0.2, 0.7], 0.5, predicted.AsSpan(0, 2));
        Assert.Equal([0, 1], predicted[..2]);
    }
}
