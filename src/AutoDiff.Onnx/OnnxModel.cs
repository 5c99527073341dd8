using System.Numerics;
using AutoDiff.Nn;
using Google.Protobuf;
using Onnx;

namespace AutoDiff.Onnx;

/// <summary>
/// ONNX files, the format that ONNX Runtime, PyTorch and most inference servers read. Export writes
/// opset 17 (IR version 8) with the input named <c>input</c>, the output <c>output</c> and a dynamic
/// batch dimension <c>N</c>; float models hold float32 values, double models float64. Import reads an
/// MLP as <c>torch.onnx.export</c> writes it (or as <see cref="Export{T}(Mlp{T}, string)"/> does).
/// </summary>
/// <remarks>
/// Activations: Relu, Tanh, Linear (Identity) and, in float, LeakyRelu, Elu and Softplus are written as
/// ONNX's own operators; LeakyRelu in double as PRelu (its slope in float64); Sigmoid, BinaryStep,
/// Elu and Softplus in double and any other activation as a model-local function (domain
/// <c>ai.autodiff</c>) built from the activation's <see cref="ElementwiseFunction{T}.Describe"/>, so it
/// computes what AutoDiff computes. An activation without a description cannot be exported.
/// </remarks>
public static class OnnxModel
{
    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> (atomically: a temporary file renamed
    /// into place): per layer <c>Gemm(x, W, b)</c> then its activation, <c>output = f(input)</c> for an
    /// input of shape [N, <see cref="Mlp{T}.Inputs"/>].
    /// </summary>
    /// <exception cref="NotSupportedException">An activation has no ONNX form (no description); the message names it.</exception>
    public static void Export<T>(Mlp<T> model, string path) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        Write(MlpExporter.Model(model), path);
    }

    /// <summary>
    /// Writes the graph that <paramref name="forward"/> records from its input (named <c>input</c>, of shape
    /// <paramref name="input"/>) to its result (<c>output</c>) to <paramref name="path"/>: one ONNX node
    /// (or a few) per tape primitive; values that do not depend on the input (weights a closure tracks,
    /// constants) become initializers. The pass is recorded a few times on random inputs: when it records
    /// the same graph with one more row and nothing folded depends on the row count, the first axis is
    /// written as the dynamic batch <c>N</c>; otherwise the model takes exactly <paramref name="input"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">
    /// The graph holds something ONNX cannot compute: an activation without a description, a
    /// <see cref="TensorFunction{T}"/>, a value computed from the input outside the tape's record, indices
    /// computed from the input (an IndexSelect at an ArgMax; the gradient of a Max or Min over an axis, which
    /// scatters to the input's maxima), or control flow that records different graphs for different inputs.
    /// The message names it.
    /// </exception>
    public static void Export<T>(Func<Tape, Var<T>, Var<T>> forward, Shape input, string path) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (input.IsDefault) throw new ArgumentException("The input shape is default(Shape); give the shape of one input (its first axis is the batch).", nameof(input));
        Write(ForwardExporter.Model(forward, input), path);
    }

    /// <summary>
    /// Writes <paramref name="model"/>'s evaluation-mode forward pass, <c>output = model(input)</c>, for inputs of
    /// shape <paramref name="input"/> (batch first; the batch is dynamic when the layers allow it) to
    /// <paramref name="path"/>, as <see cref="Export{T}(Func{Tape, Var{T}, Var{T}}, Shape, string)"/> writes a
    /// recorded pass: Conv, MaxPool, AveragePool, a Reshape for Flatten, MatMul and Add for Dense;
    /// Dropout is the identity and BatchNorm2d uses its running statistics, folded into constants. The
    /// model's training switch is restored afterwards.
    /// </summary>
    /// <exception cref="NotSupportedException">A layer records something ONNX cannot compute (an activation without a description); the message names it.</exception>
    public static void Export<T>(Sequential<T> model, Shape input, string path) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        bool training = model.Training;
        model.Training = false;
        try { Export<T>((_, x) => model.Forward(x), input, path); }
        finally { model.Training = training; }
    }

    /// <summary>
    /// Reads the MLP in the ONNX file <paramref name="path"/>: one input [N, in]; per layer a <c>Gemm</c>
    /// (transB 0 or 1) or a <c>MatMul</c> and an <c>Add</c>, on initializers, then at most one activation
    /// (Relu, Sigmoid, Tanh, LeakyRelu, PRelu with one slope, Elu, Softplus, Identity, or this library's
    /// function of a built-in); one output. The model's values must be <typeparamref name="T"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not ONNX, is truncated, or holds something else than such an MLP (an operator it does
    /// not read, a shape that does not fit, an initializer of the wrong size…); the message names the file
    /// and the node or tensor. No model is returned.
    /// </exception>
    public static Mlp<T> Import<T>(string path) where T : IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file {path} does not exist.", path);
        return MlpImporter<T>.Read(path, File.ReadAllBytes(path));
    }

    /// <summary>Serialises <paramref name="model"/> to <paramref name="path"/> through a temporary file, so a crash never leaves half a model.</summary>
    private static void Write(ModelProto model, string path)
    {
        var bytes = model.ToByteArray();
        string full = Path.GetFullPath(path);
        string tmp = full + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var f = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
