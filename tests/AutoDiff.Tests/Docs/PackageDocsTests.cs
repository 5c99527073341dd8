using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace AutoDiff.Tests.Docs;

/// <summary>
/// The packages' readmes (src/*/PACKAGE.md) stay true: every C# block in them is also in README.md,
/// where ReadmeTests compiles and runs it, and every version they and README.md quote is the version
/// the packages are built with (Directory.Build.props).
/// </summary>
public partial class PackageDocsTests
{
    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"Include=""AutoDiffTape(?:\.FsCheck)?"" Version=""([^""]+)""")]
    private static partial Regex QuotedVersion();

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoDiff.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("AutoDiff.sln not found above the test directory.");
    }

    public static TheoryData<string> PackageReadmes() => new("src/AutoDiff/PACKAGE.md", "src/AutoDiff.FsCheck/PACKAGE.md");

    [Theory]
    [MemberData(nameof(PackageReadmes))]
    public void Every_code_block_of_a_package_readme_is_compiled_in_the_readme(string file)
    {
        string readme = File.ReadAllText(Path.Combine(Root(), "README.md"));
        var blocks = CodeBlock().Matches(File.ReadAllText(Path.Combine(Root(), file)));
        Assert.NotEmpty(blocks);
        foreach (Match block in blocks) Assert.Contains(block.Value, readme);
    }

    [Theory]
    [MemberData(nameof(PackageReadmes))]
    [InlineData("README.md")]
    public void Quoted_versions_are_the_built_version(string file)
    {
        string version = XDocument.Load(Path.Combine(Root(), "Directory.Build.props")).Descendants("Version").Single().Value;
        var quoted = QuotedVersion().Matches(File.ReadAllText(Path.Combine(Root(), file)));
        Assert.NotEmpty(quoted);
        Assert.All(quoted, m => Assert.Equal(version, m.Groups[1].Value));
    }
}
