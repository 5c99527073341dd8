using AutoDiff.Nn;

namespace AutoDiff;

/// <summary>
/// Marks an activation <c>f(x)</c> written once in plain C#: the AutoDiff source generator writes its
/// derivative <c>fDerivative</c>, its second derivative <c>fSecondDerivative</c>, the tape extensions
/// <c>x.f()</c> on <see cref="Scalar"/> and <see cref="Var{T}"/>, and <c>fFunction</c>, the
/// <see cref="ElementwiseFunction{T}"/> object for layers.
/// </summary>
/// <remarks>
/// The method must be static, in a top-level <c>static partial class</c>, and have the shape
/// <c>double f(double x, …)</c>, <c>float f(float x, …)</c> or <c>T f&lt;T&gt;(T x, …) where T : IFloatingPointIeee754&lt;T&gt;</c>.
/// Only the first parameter is differentiated; further parameters are constants of the activation.
/// Anything the generator cannot differentiate is reported as a diagnostic <c>AD0001</c>…<c>AD0012</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DifferentiableAttribute : Attribute
{
    /// <summary>
    /// The weight initialisation a layer should use before this activation (its function object's
    /// <see cref="ElementwiseFunction{T}.WeightInit"/>): <see cref="Nn.WeightInit.Xavier"/> unless set.
    /// </summary>
    public WeightInit WeightInit { get; set; }
}
