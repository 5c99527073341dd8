using AutoDiff.Kernels;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AutoDiff.Benchmarks;

/// <summary>One GEMM problem: C (m×n) = op(A) (m×k) · op(B) (k×n).</summary>
public sealed record GemmShape(string Name, int M, int K, int N, bool TransA, bool TransB, bool Double = false)
{
    public double Flops => 2.0 * M * N * K;

    public override string ToString() =>
        $"{Name} m={M} k={K} n={N} {(TransA ? 'T' : 'N')}{(TransB ? 'T' : 'N')}{(Double ? " f64" : "")}";
}

/// <summary>
/// Square 1024³ in all four transpose forms, and the MLP shapes (784-128-10 network, batch 1..1024)
/// forward and backward. Columns add GFLOP/s from the median and its fraction of the peak.
/// </summary>
[Config(typeof(GemmConfig))]
public class GemmBenchmarks
{
    public static IEnumerable<GemmShape> Shapes() =>
    [
        new("square", 1024, 1024, 1024, false, false),
        new("square", 1024, 1024, 1024, true, false),
        new("square", 1024, 1024, 1024, false, true),
        new("square", 1024, 1024, 1024, true, true),
        new("square", 1024, 1024, 1024, false, false, Double: true),
        new("fwd", 1, 784, 128, false, false),
        new("fwd", 32, 784, 128, false, false),
        new("fwd", 128, 784, 128, false, false),
        new("fwd", 1024, 784, 128, false, false),
        new("fwd", 32, 128, 10, false, false),
        new("dW=XᵀdY", 784, 32, 128, true, false),
        new("dX=dYWᵀ", 32, 128, 784, false, true),
    ];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    private float[] a = [], b = [], c = [];
    private double[] ad = [], bd = [], cd = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        int m = Shape.M, k = Shape.K, n = Shape.N;
        a = Enumerable.Range(0, m * k).Select(_ => rng.NextSingle() - 0.5f).ToArray();
        b = Enumerable.Range(0, k * n).Select(_ => rng.NextSingle() - 0.5f).ToArray();
        c = new float[m * n];
        ad = Array.ConvertAll(a, x => (double)x);
        bd = Array.ConvertAll(b, x => (double)x);
        cd = new double[m * n];
        Parallelism.MaxThreads = Threads;
    }

    [Benchmark]
    public void Multiply()
    {
        var s = Shape;
        if (s.Double) Gemm.Multiply<double>(s.TransA, s.TransB, s.M, s.N, s.K, ad, bd, cd, accumulate: false);
        else Gemm.Multiply<float>(s.TransA, s.TransB, s.M, s.N, s.K, a, b, c, accumulate: false);
    }
}

/// <summary>Adds GFLOP/s and % of peak columns computed from the median.</summary>
public class GemmConfig : ManualConfig
{
    /// <summary>One core's float32 FMA peak as given in the issue.</summary>
    public const double IssuePeak = 280;

    /// <summary>One core's float32 FMA peak measured on the benchmark machine (Zen 4: one 512-bit FMA per cycle).</summary>
    public const double MeasuredPeak = 115;

    public GemmConfig()
    {
        AddColumn(new GemmRateColumn("GFLOP/s", 1));
        AddColumn(new GemmRateColumn($"% of {IssuePeak:0}", IssuePeak));
        AddColumn(new GemmRateColumn($"% of {MeasuredPeak:0}", MeasuredPeak));
        AddColumn(StatisticColumn.Median);
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
    }
}

/// <summary>GFLOP/s of the median time, divided by a peak (as a percentage) unless the peak is 1.</summary>
public sealed class GemmRateColumn(string name, double peak) : IColumn
{
    public string Id => nameof(GemmRateColumn) + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => peak == 1 ? "2·m·n·k / median time" : $"GFLOP/s as a percentage of {peak} GFLOP/s";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null || benchmarkCase.Parameters["Shape"] is not GemmShape shape) return "-";
        double gflops = shape.Flops / stats.Median;   // flops per ns = GFLOP/s
        return peak == 1 ? gflops.ToString("0.0") : (100 * gflops / peak).ToString("0") + "%";
    }
}
