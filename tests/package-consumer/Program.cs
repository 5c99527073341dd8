using AutoDiff;
using Consumer;

// 1. the generated derivative, against a central difference
int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) failures++;
}

foreach (double p in new[] { -4.0, -0.5, 0.0, 0.7, 3.0 })
{
    double h = 1e-5, fd = (MyActivations.Swish(p + h) - MyActivations.Swish(p - h)) / (2 * h);
    Check(Math.Abs(MyActivations.SwishDerivative(p) - fd) < 1e-8, $"SwishDerivative({p}) = {MyActivations.SwishDerivative(p):R} (central difference {fd:R})");
}

// 2. x.Swish() on a scalar tape
var tape = new Tape();
var s = tape.Variable(0.7);
var y = s.Swish();
tape.Backward(y);
Check(s.Grad == MyActivations.SwishDerivative(0.7), $"Scalar: x.Swish() gradient {s.Grad:R}");

// 3. inside a small network: loss = Σ swish(x·W) on the tensor tape
tape.Reset();
var x = tape.Constant(Tensor.From<double>([0.5, -1.0, 2.0, 0.25], 2, 2));
var w = tape.Track(Tensor.From<double>([0.3, -0.2, 0.1, 0.4], 2, 2));
var z = x.MatMul(w);
var loss = z.Swish().Sum();
tape.Backward(loss);
// ∂loss/∂W = xᵀ · swish'(z)
var zv = z.Value.ToArray();
double[] expected =
[
    0.5 * MyActivations.SwishDerivative(zv[0]) + 2.0 * MyActivations.SwishDerivative(zv[2]),
    0.5 * MyActivations.SwishDerivative(zv[1]) + 2.0 * MyActivations.SwishDerivative(zv[3]),
    -1.0 * MyActivations.SwishDerivative(zv[0]) + 0.25 * MyActivations.SwishDerivative(zv[2]),
    -1.0 * MyActivations.SwishDerivative(zv[1]) + 0.25 * MyActivations.SwishDerivative(zv[3]),
];
for (int i = 0; i < 4; i++)
    Check(Math.Abs(w.Grad[i] - expected[i]) < 1e-12, $"Var: ∂loss/∂W[{i}] = {w.Grad[i]:R} (expected {expected[i]:R})");

// 4. the built-ins came with the package too
Check(Activations.ByName<double>("sigmoid") is not null && Math.Abs(Activations.SigmoidDerivative(0.0) - 0.25) < 1e-15, "built-in Sigmoid");

// 5. a gradient property from AutoDiffTape.FsCheck over the custom activation
failures += GradientProperty.Run();

Console.WriteLine(failures == 0 ? "consumer: all checks passed" : $"consumer: {failures} check(s) failed");
return failures == 0 ? 0 : 1;
