using System.Numerics;

namespace AutoDiff.Nn;

/// <summary>Resolves an activation name for model files and the demo (until the generated registry lands: linear only).</summary>
internal static class ActivationLookup
{
    public static ElementwiseFunction<T>? ByName<T>(string name) where T : IFloatingPointIeee754<T> =>
        string.Equals(name, "linear", StringComparison.OrdinalIgnoreCase) ? null
        : throw new ArgumentException($"Unknown activation '{name}'.", nameof(name));
}
