using System.Diagnostics;
using AutoDiff;
using AutoDiff.Data;
using AutoDiff.NewtonDigits;

// "Is this a 2?" by logistic regression on the 10,000 embedded digits (8,000 train / 2,000 test, seed 1):
// Adam on mini-batches against Newton-CG, whose inner solver uses only Hessian-vector products.
using var stream = typeof(LogisticRegression).Assembly.GetManifestResourceStream("digits-10k.bin.gz")
    ?? throw new InvalidOperationException("The embedded digits are missing from this build.");
var (train, test) = DigitPack.Read(stream).Split(8000, seed: 1);
var model = new LogisticRegression(train, lambda: 1e-4);

var clock = Stopwatch.StartNew();
var adam = model.TrainWithAdam(epochs: 10, batch: 64, learningRate: 0.01, seed: 1);
double adamAccuracy = LogisticRegression.Accuracy(adam, test);
Console.WriteLine($"Adam, 10 epochs of batch 64: objective {model.Value(adam):F5}, test accuracy {adamAccuracy:P2} ({clock.Elapsed.TotalSeconds:F1} s)");

clock.Restart();
int iterations = 0, reached = 0;
var newton = NewtonCg.Minimize(model.Objective, new Tensor<double>(new Shape(model.Parameters)), iterations: 15, maxCg: 30, onStep: step =>
{
    double accuracy = LogisticRegression.Accuracy(step.X, test);
    if (reached == 0 && accuracy >= adamAccuracy) reached = step.Iteration;
    iterations = step.Iteration;
    Console.WriteLine($"  Newton {step.Iteration,2}: objective {step.Objective:F5}, |g| {step.GradientNorm:E2}, {step.CgIterations,2} Hessian-vector products, " +
        $"step {step.StepLength}, test accuracy {accuracy:P2}");
    return true;
});
Console.WriteLine($"Newton-CG, {iterations} iterations: objective {model.Value(newton):F5}, test accuracy {LogisticRegression.Accuracy(newton, test):P2} " +
    $"({clock.Elapsed.TotalSeconds:F1} s); Adam's test accuracy reached at iteration {reached}");
