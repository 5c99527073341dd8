using System.Diagnostics;

namespace AutoDiff;

/// <summary>
/// Thrown in <see cref="Tape.DetectAnomalies"/> mode when an operation's value or gradient becomes
/// NaN or ±∞. The message names the operation, its position on the tape, its input shapes (tensor
/// ops) or input values (scalar ops), and where it was recorded: the first stack frame outside
/// AutoDiff, with file and line when symbols are available.
/// </summary>
public sealed class AnomalyException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public AnomalyException(string message, string operation, int position) : this(message, operation, position, null) { }

    /// <summary>Creates the exception with the stack captured when the operation was recorded.</summary>
    public AnomalyException(string message, string operation, int position, StackTrace? recordedAt) : base(message)
    {
        Operation = operation;
        Position = position;
        RecordedAt = recordedAt;
    }

    /// <summary>The operation that produced the non-finite number.</summary>
    public string Operation { get; }

    /// <summary>Its index on the tape.</summary>
    public int Position { get; }

    /// <summary>
    /// The whole stack at the moment the operation was recorded, or null when it was recorded while
    /// anomaly mode was off.
    /// </summary>
    public StackTrace? RecordedAt { get; }
}
