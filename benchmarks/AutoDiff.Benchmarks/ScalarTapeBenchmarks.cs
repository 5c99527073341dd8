using AutoDiff;
using BenchmarkDotNet.Attributes;

namespace AutoDiff.Benchmarks;

/// <summary>
/// Cost per scalar operation of recording and one reverse sweep: a chain of <see cref="Operations"/>
/// binary operations (alternating ×, +, with a constant mixed in), then Backward, then Reset.
/// Divide the mean by Operations for ns per operation.
/// </summary>
[MemoryDiagnoser]
public class ScalarTapeBenchmarks
{
    private readonly Tape tape = new();

    [Params(10_000)]
    public int Operations { get; set; }

    [Benchmark]
    public double RecordAndSweep()
    {
        var (x, f) = Record();
        tape.Backward(f);
        return x.Grad;
    }

    [Benchmark]
    public double RecordOnly() => Record().F.Value;

    private (Scalar X, Scalar F) Record()
    {
        tape.Reset();
        var x = tape.Variable(1.0001);
        var y = tape.Variable(0.5);
        var acc = x;
        for (int i = 0; i < Operations / 4; i++)
        {
            acc = acc * x;      // mul
            acc = acc + y;      // add
            acc = acc * 0.5;    // mul by constant
            acc = acc - x;      // sub
        }
        return (x, acc);
    }

    /// <summary>Bytes of tape storage per recorded operation once the arrays have grown to fit.</summary>
    public static double BytesPerOperation => Tape.ScalarBytesPerOperation;
}
