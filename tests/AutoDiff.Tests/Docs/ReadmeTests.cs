using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using AutoDiff.Generators;
using AutoDiff.Tests.Demo;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace AutoDiff.Tests.Docs;

/// <summary>
/// Every C# block in README.md compiles (with the derivative generator running, as in a user's
/// project), runs, and prints what the README says it prints.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public partial class ReadmeTests
{
    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    // What each block must print (values derived by hand in the README's comments).
    private static readonly string[][] Expected =
    [
        ["f = 38.4630, df/dx = 38.4630, df/dy = 23.1790"],
        ["loss = 30", "dL/dw = [2, 4, 6, 8]", "dL/db = [20, -40]"],
        ["swish'(1) = 0.927671", "network gradient check passed"],
        ["0 1 1 0, accuracy 1.00"],
        ["L2 0.0236, cross-entropy 0.1755 = 0.1755 = 0.1755, soft KL 0.5030, binary 1.5027", "∂CE/∂z = softmax(z) − d, over N: [-0.107, 0.020, 0.088, 0.025, 0.027, -0.052]"],
        ["validation accuracy 1.00, best loss restored: True"],
        ["passed: 32 checks", "Ok, passed 100 tests."],
        ["f = 201, ∇f = [-400, 1002, -200], ∇f·(1, 1, 1) = 402", "Himmelblau(3, 2) = 0, ∇ = (0, 0)", "Himmelblau(1, 1) = 106, ∇ = (-46, -38), ∇·(1, 0) = -46"],
        ["f' = 13.5, f'' = 27, f''' = 36", "H = [402, -400, -400, 200], Hv = [402, -400]", "f = 100, df/da = -400"],
        ["ONNX Runtime agrees: True", "4→8 Relu, 8→3 linear", "rows sum to 1.0000 and 1.0000"],
        ["accuracy 100%", "loaded 5 layers", "passed: "],
    ];

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoDiff.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("AutoDiff.sln not found above the test directory.");
    }

    public static TheoryData<int> Blocks() => new(Enumerable.Range(0, Expected.Length));

    [Fact]
    public void Every_block_has_its_expectations()
    {
        var blocks = CodeBlock().Matches(File.ReadAllText(Path.Combine(Root(), "README.md")));
        Assert.Equal(Expected.Length, blocks.Count);
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Block_compiles_runs_and_prints_what_it_says(int index)
    {
        string code = CodeBlock().Matches(File.ReadAllText(Path.Combine(Root(), "README.md")))[index].Groups[1].Value;
        string output = CompileAndRun(code, $"readme{index}");
        foreach (string line in Expected[index]) Assert.Contains(line, output);
    }

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    // What `<ImplicitUsings>enable</ImplicitUsings>` gives a console project.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static string CompileAndRun(string code, string name)
    {
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Concat(new[] { typeof(Tape), typeof(AutoDiff.FsCheck.GradProperty), typeof(global::FsCheck.Gen<>), typeof(Microsoft.FSharp.Core.FSharpFunc<,>), typeof(System.Numerics.Tensors.TensorPrimitives),
                typeof(AutoDiff.Onnx.OnnxModel), typeof(Microsoft.ML.OnnxRuntime.InferenceSession) }
                .Select(t => MetadataReference.CreateFromFile(t.Assembly.Location)));
        var compilation = CSharpCompilation.Create(name,
            [CSharpSyntaxTree.ParseText(code, Parse, path: $"{name}.cs"), CSharpSyntaxTree.ParseText(ImplicitUsings, Parse, path: "GlobalUsings.g.cs")],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create([new DerivativeGenerator().AsSourceGenerator()], parseOptions: Parse).RunGeneratorsAndUpdateCompilation(compilation, out var generated, out _);
        using var image = new MemoryStream();
        var emit = generated.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var context = new AssemblyLoadContext(name, isCollectible: true);
        try
        {
            image.Position = 0;
            var entry = context.LoadFromStream(image).EntryPoint!;
            var (stdout, writer) = (Console.Out, new StringWriter());
            Console.SetOut(writer);
            try { entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]); }
            catch (TargetInvocationException e) { throw new Xunit.Sdk.XunitException($"README block {name} threw: {e.InnerException}\nOutput so far:\n{writer}"); }
            finally { Console.SetOut(stdout); }
            return writer.ToString();
        }
        finally { context.Unload(); }
    }
}
