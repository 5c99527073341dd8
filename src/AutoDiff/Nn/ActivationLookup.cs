using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace AutoDiff.Nn;

/// <summary>
/// Turns an activation's <see cref="ElementwiseFunction{T}.Name"/> as stored in a model file
/// ("Relu", "LeakyRelu(slope: 0.2)", "Elu(alpha: 1)") back into the built-in activation.
/// </summary>
internal static partial class ActivationLookup
{
    [GeneratedRegex(@"^\s*(?<name>[A-Za-z]+)\s*(\(\s*(?<arg>[A-Za-z]+)\s*:\s*(?<value>[^)\s]+)\s*\))?\s*$")]
    private static partial Regex Pattern();

    public static ElementwiseFunction<T>? ByName<T>(string stored) where T : IFloatingPointIeee754<T>
    {
        var m = Pattern().Match(stored);
        if (!m.Success) throw new ArgumentException($"'{stored}' is not an activation name.", nameof(stored));
        string name = m.Groups["name"].Value.ToLowerInvariant();
        if (name == "linear") return null;
        if (!m.Groups["value"].Success) return Activations.ByName<T>(name);
        if (!double.TryParse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new ArgumentException($"Activation '{stored}' has a parameter that is not a finite number.", nameof(stored));
        return name switch
        {
            "leakyrelu" => Activations.LeakyReluFunction<T>(value),
            "elu" => Activations.EluFunction<T>(value),
            _ => throw new ArgumentException($"Activation '{name}' takes no parameter.", nameof(stored)),
        };
    }
}
