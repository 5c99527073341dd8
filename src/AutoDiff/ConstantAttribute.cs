namespace AutoDiff;

/// <summary>
/// Marks a parameter of a <see cref="DifferentiableAttribute"/> method as data that is not
/// differentiated: the generated <c>Gradient</c> gives it no adjoint output and the generated
/// <c>Tangent</c> no tangent input (a dataset span, a label, a fixed coefficient).
/// </summary>
/// <example>
/// <code>
/// [Differentiable]
/// public static double Loss(ReadOnlySpan&lt;double&gt; w, [Constant] ReadOnlySpan&lt;double&gt; data) { … }
/// // generated: double LossGradient(ReadOnlySpan&lt;double&gt; w, ReadOnlySpan&lt;double&gt; data, Span&lt;double&gt; dw)
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class ConstantAttribute : Attribute
{
}
