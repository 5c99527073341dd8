using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AutoDiff.Generators.Model;

/// <summary>Where a diagnostic points, as values (a <see cref="Location"/> holds a syntax tree).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.Kind is not (LocationKind.SourceFile or LocationKind.ExternalFile)) return null;
        var line = location.GetLineSpan();
        return new LocationInfo(line.Path, location.SourceSpan, line.Span);
    }

    public static LocationInfo? From(SyntaxNode node) => From(node.GetLocation());

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic to report, by descriptor ID, with its message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
        => new(descriptor.Id, location, new EquatableArray<string>(arguments));

    public Diagnostic ToDiagnostic()
        => Diagnostic.Create(DiagnosticDescriptors.ById(Id), Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, ToObjects());

    private object[] ToObjects()
    {
        var args = new object[Arguments.Length];
        for (int i = 0; i < args.Length; i++) args[i] = Arguments[i];
        return args;
    }
}
