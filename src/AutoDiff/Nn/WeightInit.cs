namespace AutoDiff.Nn;

/// <summary>
/// How a layer draws its initial weights for the activation that follows it: a property of the
/// activation (<see cref="ElementwiseFunction{T}.WeightInit"/>), set on a generated activation with
/// <c>[Differentiable(WeightInit = WeightInit.He)]</c>.
/// </summary>
public enum WeightInit
{
    /// <summary>Xavier/Glorot: uniform on <c>±√(6/(in+out))</c>, keeping the variance of a symmetric activation (sigmoid, tanh, linear) from layer to layer.</summary>
    Xavier,

    /// <summary>He: normal with <c>σ = √(2/in)</c>, for rectifiers (ReLU, leaky ReLU, ELU) that zero about half their inputs.</summary>
    He,
}
