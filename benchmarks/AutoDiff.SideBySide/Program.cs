using AutoDiff.SideBySide;

long mainTicks = DateTime.UtcNow.Ticks;
var options = Options.Parse(args);
if (options.Mode == "child") return ColdStart.Child(options, mainTicks);

var output = Console.Out;
output.WriteLine($"AutoDiff vs TorchSharp, 784→128→10 sigmoid MLP, log-softmax + NLL, SGD, float32 ({Environment.ProcessorCount} cores)");
output.WriteLine($"load before: {Report.Load()}");
List<SteadyResult>? steady = null;
List<ColdRun>? cold = null;
List<GemmResult>? gemm = null;
List<AloneResult>? alone = null;
if (options.Mode is "gemm")
{
    output.WriteLine("GEMM, float32, interleaved rounds in one process:");
    gemm = GemmSideBySide.Run(options, output);
}
if (options.Mode is "steady" or "all")
{
    output.WriteLine("steady state, interleaved rounds in one process:");
    if (options.NewThread)
    {
        var thread = new Thread(() => steady = Interleaved.Run(options, output));
        thread.Start();
        thread.Join();
    }
    else steady = Interleaved.Run(options, output);
}
if (options.Mode is "alone")
{
    output.WriteLine("steady state, each library alone in a fresh process per round:");
    alone = Alone.Run(options, output);
}
if (options.Mode is "cold" or "all")
{
    output.WriteLine($"cold start, a fresh process per library ({options.ColdThreads} thread(s)):");
    cold = ColdStart.Run(options, output);
}
output.WriteLine($"load after: {Report.Load()}");
Report.Write(output, steady, cold, gemm, alone);
return 0;
