using ScottPlot;

namespace AutoDiff.Demo;

/// <summary>Writes the loss-and-accuracy curves of a training run as a PNG (ScottPlot).</summary>
internal static class TrainingPlot
{
    public static void Save(string path, string title, IReadOnlyList<EpochStats> history)
    {
        var plot = new Plot();
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        var loss = plot.Add.Scatter(epochs, history.Select(h => h.TrainLoss).ToArray());
        loss.LegendText = "training loss (left)";
        var accuracy = plot.Add.Scatter(epochs, history.Select(h => 100 * h.TestAccuracy).ToArray());
        accuracy.LegendText = "test accuracy % (right)";
        accuracy.Axes.YAxis = plot.Axes.Right;
        plot.Title(title);
        plot.XLabel("epoch");
        plot.Axes.Left.Label.Text = "loss (empirical risk)";
        plot.Axes.Right.Label.Text = "test accuracy (%)";
        plot.ShowLegend(Alignment.MiddleRight);
        plot.SavePng(path, 900, 520);
    }
}
