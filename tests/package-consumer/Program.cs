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

// 4. whole functions: Gradient (reverse mode) and Tangent (forward mode) of the objectives in MyActivations.cs
double[] xs = [-1.2, 1.0, 0.5, 2.0];
var dxs = new double[xs.Length];
double fx = Objectives.RosenbrockGradient(xs, dxs);
Check(fx == Objectives.Rosenbrock(xs), $"RosenbrockGradient returns f = {fx:R}");
for (int i = 0; i < xs.Length; i++)
{
    const double h = 1e-6;
    var plus = (double[])xs.Clone();
    var minus = (double[])xs.Clone();
    plus[i] += h;
    minus[i] -= h;
    double fd = (Objectives.Rosenbrock(plus) - Objectives.Rosenbrock(minus)) / (2 * h);
    Check(Math.Abs(dxs[i] - fd) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"∂Rosenbrock/∂x[{i}] = {dxs[i]:R} (central difference {fd:R})");
}
double hv = Objectives.HimmelblauGradient(3, 2, out double hx, out double hy);
Check(hv == 0 && hx == 0 && hy == 0, $"Himmelblau at its minimum (3, 2): f = {hv}, ∇f = ({hx}, {hy})");
double hx2 = 4 * 1.5 * (1.5 * 1.5 + 0.5 - 11) + 2 * (1.5 + 0.5 * 0.5 - 7); // ∂f/∂x by hand at (1.5, 0.5)
Check(Math.Abs(Objectives.HimmelblauTangent(1.5, 0.5, 1, 0) - hx2) < 1e-12, $"HimmelblauTangent(1.5, 0.5; 1, 0) = {Objectives.HimmelblauTangent(1.5, 0.5, 1, 0):R} (by hand {hx2:R})");

// 5. a whole function as one tape operation, and an activation's learnable parameter
tape.Reset();
var tx = xs.Select(tape.Variable).ToArray();
var onTape = Objectives.RosenbrockOnTape(tx) * 2.0;
tape.Backward(onTape);
Check(Enumerable.Range(0, xs.Length).All(i => tx[i].Grad == 2 * dxs[i]), "RosenbrockOnTape: one tape op whose backward rule is RosenbrockGradient");
double beta = 1.3, hb = 1e-6, fdb = (MyActivations.LearnedSwish(0.7, beta + hb) - MyActivations.LearnedSwish(0.7, beta - hb)) / (2 * hb);
Check(Math.Abs(MyActivations.LearnedSwishPartialBeta(0.7, beta) - fdb) < 1e-8, $"LearnedSwishPartialBeta(0.7, 1.3) = {MyActivations.LearnedSwishPartialBeta(0.7, beta):R} (central difference {fdb:R})");
var prelu = new AutoDiff.Nn.PRelu<double>(2);
tape.Reset();
tape.Backward(prelu.Forward(tape.Constant(Tensor.From<double>([-1.0, -2.0, 3.0, -4.0], 2, 2))).Sum());
Check(prelu.Slope.Grad[0] == -1 && prelu.Slope.Grad[1] == -6, $"PRelu slope gradients ({prelu.Slope.Grad[0]}, {prelu.Slope.Grad[1]})");

// 6. the built-ins came with the package too
Check(Activations.ByName<double>("sigmoid") is not null && Math.Abs(Activations.SigmoidDerivative(0.0) - 0.25) < 1e-15, "built-in Sigmoid");

// 7. a gradient property from AutoDiffTape.FsCheck over the custom activation
failures += GradientProperty.Run();

Console.WriteLine(failures == 0 ? "consumer: all checks passed" : $"consumer: {failures} check(s) failed");
return failures == 0 ? 0 : 1;
