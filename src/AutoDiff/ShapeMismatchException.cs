namespace AutoDiff;

/// <summary>Thrown when an operation gets operands whose shapes do not fit; the message names both shapes.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception for operation <paramref name="operation"/> on shapes <paramref name="left"/> and <paramref name="right"/>.</summary>
    public ShapeMismatchException(string operation, Shape left, Shape right, string detail)
        : base($"{operation}: shapes {left} and {right} do not match: {detail}.")
    {
        Operation = operation;
        Left = left;
        Right = right;
    }

    /// <summary>The operation that was refused.</summary>
    public string Operation { get; }

    /// <summary>The first operand's shape.</summary>
    public Shape Left { get; }

    /// <summary>The second operand's shape.</summary>
    public Shape Right { get; }
}
