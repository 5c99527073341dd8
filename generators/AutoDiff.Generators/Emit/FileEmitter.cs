using AutoDiff.Generators.Model;

namespace AutoDiff.Generators;

/// <summary>
/// The <c>.g.cs</c> file of one <c>[Differentiable]</c> method: its activation members when it is an
/// element-wise activation, then its whole-function <c>Gradient</c> and <c>Tangent</c>.
/// </summary>
internal sealed class FileEmitter : CodeWriter
{
    public static string HintName(ParseResult r)
    {
        var (ns, type, name) = r.Function is { } f ? (f.Namespace, f.ClassName, f.MethodName) : (r.Model!.Namespace, r.Model.ClassName, r.Model.MethodName);
        return (ns.Length > 0 ? ns + "." : "") + type + "." + name + ".g.cs";
    }

    public static string Emit(ParseResult r)
    {
        var w = new FileEmitter();
        var (ns, type, name) = r.Function is { } f ? (f.Namespace, f.ClassName, f.MethodName) : (r.Model!.Namespace, r.Model.ClassName, r.Model.MethodName);
        w.Header(type, name, ns);
        w.Open($"static partial class {type}");
        bool first = true;
        if (r.Model is { } activation)
        {
            w.Raw(ActivationEmitter.Members(activation));
            first = false;
        }
        if (r.Function is { } function)
        {
            if (!first) w.Line();
            w.Raw(FunctionEmitter.Members(function));
        }
        w.Close();
        return w.Text;
    }
}
