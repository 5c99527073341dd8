using AutoDiff.Data;
using AutoDiff.NewtonDigits;
using Xunit;
using Xunit.Abstractions;

namespace AutoDiff.Tests.HigherOrder;

/// <summary>
/// Newton-CG (conjugate gradients on Hessian-vector products) for "is this a 2?" logistic regression on the
/// digits reaches the test accuracy of Adam on the same objective within 15 Newton iterations
/// (the example program examples/AutoDiff.NewtonDigits runs the same comparison to the optimum).
/// </summary>
public class NewtonDigitsTests(ITestOutputHelper output)
{
    [Fact]
    public void Newton_CG_reaches_Adams_test_accuracy_within_15_iterations()
    {
        var (train, test) = DigitPack.ReadFile(DigitsFile()).Split(8000, seed: 1);
        var model = new LogisticRegression(train, lambda: 1e-4);
        double adam = LogisticRegression.Accuracy(model.TrainWithAdam(epochs: 10, batch: 64, learningRate: 0.01, seed: 1), test);
        int reached = 0;
        NewtonCg.Minimize(model.Objective, new Tensor<double>(new Shape(model.Parameters)), iterations: 15, maxCg: 30, onStep: step =>
        {
            double accuracy = LogisticRegression.Accuracy(step.X, test);
            output.WriteLine($"Newton {step.Iteration}: objective {step.Objective:F5}, {step.CgIterations} Hvps, test accuracy {accuracy:P2} (Adam {adam:P2})");
            if (accuracy >= adam) reached = step.Iteration;
            return reached == 0;
        });
        Assert.True(adam > 0.95, $"Adam's baseline is {adam:P2}");
        Assert.InRange(reached, 1, 15);
    }

    private static string DigitsFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "src", "AutoDiff.Demo", "Data", "digits-10k.bin.gz");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("src/AutoDiff.Demo/Data/digits-10k.bin.gz not found above the test's folder.");
    }
}
