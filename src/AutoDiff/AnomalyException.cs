namespace AutoDiff;

/// <summary>
/// Thrown in <see cref="Tape.DetectAnomalies"/> mode when an operation's value or gradient becomes
/// NaN or ±∞; names the operation and its position on the tape.
/// </summary>
public sealed class AnomalyException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public AnomalyException(string message, string operation, int position) : base(message)
    {
        Operation = operation;
        Position = position;
    }

    /// <summary>The operation that produced the non-finite number.</summary>
    public string Operation { get; }

    /// <summary>Its index on the tape.</summary>
    public int Position { get; }
}
