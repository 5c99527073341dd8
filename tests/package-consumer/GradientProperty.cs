using AutoDiff;
using AutoDiff.FsCheck;
using FsCheck;
using FsCheck.Fluent;

namespace Consumer;

/// <summary>A gradient property (AutoDiffTape.FsCheck) over the consumer's own activation.</summary>
public static class GradientProperty
{
    /// <summary>
    /// Σ swish(x·W) for random shapes [m, k]·[k, n] and values in [−4, 4]: reverse mode against central
    /// differences, 100 cases. Returns the number of failed properties (0 or 1).
    /// </summary>
    public static int Run()
    {
        var shapes = TensorArb.Dim().SelectMany(m => TensorArb.Dim().SelectMany(k => TensorArb.Dim()
            .Select(n => new[] { new Shape(m, k), new Shape(k, n) })));
        var property = GradProperty.ForAll(TensorArb.Inputs(shapes, Domain.Real(-4, 4)), (tape, x) => x[0].MatMul(x[1]).Swish().Sum());
        try
        {
            global::FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), property);
            Console.WriteLine("ok   gradient property: Σ swish(x·W) matches central differences on 100 random shapes and values");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine($"FAIL gradient property: {e.Message}");
            return 1;
        }
    }
}
