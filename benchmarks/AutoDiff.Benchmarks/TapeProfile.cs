using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AutoDiff.Benchmarks;

/// <summary>
/// Where the scalar tape's time goes (evidence for its rewrite): a chain of 10,000 operations
/// (×, +, ×c, −, as <see cref="ScalarTapeBenchmarks"/>) recorded, swept, and both; Rosenbrock n = 1000
/// the same way; and the same chain on <see cref="FloorTape"/>, a minimal structure-of-arrays tape
/// with no checks, as the floor a tape of this layout can reach on this machine.
/// Run: <c>dotnet run -c Release --project benchmarks/AutoDiff.Benchmarks -- --profile-tape</c>.
/// </summary>
public static class TapeProfile
{
    const int Ops = 10_000;

    public static void Run(TextWriter output)
    {
        output.WriteLine($"scalar tape profile; load {File.ReadAllText("/proc/loadavg").Trim()}");
        var tape = new Tape();
        Scalar Chain()
        {
            tape.Reset();
            var x = tape.Variable(1.0001);
            var y = tape.Variable(0.5);
            var acc = x;
            for (int i = 0; i < Ops / 4; i++) acc = (acc * x + y) * 0.5 - x;
            return acc;
        }
        void Row(string name, int ops, Action a)
        {
            var (wall, cpu) = StepProfile.Time(a);
            output.WriteLine($"{name,-48} {wall,9:0.00} µs {cpu * 1000 / ops,7:0.00} ns/op (CPU)");
        }
        Row("chain: record only", Ops, () => Chain());
        Row("chain: record + sweep", Ops, () => tape.Backward(Chain()));
        var top = Chain();
        Row("chain: sweep only (same recording)", Ops, () => tape.Backward(top));

        var x = Enumerable.Range(0, 1000).Select(i => 0.5 + 0.001 * i).ToArray();
        var vars = new Scalar[x.Length];
        var grad = new double[x.Length];
        Scalar Rosenbrock()
        {
            tape.Reset();
            for (int i = 0; i < x.Length; i++) vars[i] = tape.Variable(x[i]);
            var f = tape.Constant(0);
            for (int i = 0; i < x.Length - 1; i++)
            {
                var xi = vars[i];
                var a = vars[i + 1] - xi * xi;
                var b = 1.0 - xi;
                f += 100.0 * (a * a) + b * b;
            }
            return f;
        }
        int rosenOps = Rosenbrock().Owner.ScalarCount;
        Row($"Rosenbrock n=1000 ({rosenOps} ops): record", rosenOps, () => Rosenbrock());
        Row("Rosenbrock: record + sweep + read gradient", rosenOps, () =>
        {
            tape.Backward(Rosenbrock());
            for (int i = 0; i < vars.Length; i++) grad[i] = vars[i].Grad;
        });
        var f = Rosenbrock();
        Row("Rosenbrock: sweep only", rosenOps, () => tape.Backward(f));
        Row("Rosenbrock: read 1000 gradients (Scalar.Grad)", 1000, () => { for (int i = 0; i < vars.Length; i++) grad[i] = vars[i].Grad; });

        var floor = new FloorTape(Ops + 8);
        Row("floor tape: chain record only", Ops, () => floor.Chain(Ops));
        Row("floor tape: chain record + sweep", Ops, () => floor.Sweep(floor.Chain(Ops)));
        int floorTop = floor.Chain(Ops);
        Row("floor tape: sweep only", Ops, () => floor.Sweep(floorTop));
        Row("floor tape: sweep carrying the chain in a register", Ops, () => floor.SweepCarry(floorTop));
    }

    /// <summary>
    /// The least a structure-of-arrays tape does per operation: store op, inputs and value, return an
    /// index; sweep with one switch. No handle validation, no growth check, no anomaly branch.
    /// </summary>
    public sealed class FloorTape(int capacity)
    {
        readonly byte[] op = new byte[capacity];
        readonly int[] a = new int[capacity], b = new int[capacity];
        readonly double[] val = new double[capacity], adj = new double[capacity], c = new double[capacity];
        int n;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        int Record(byte o, int x, int y, double v, double k = 0)
        {
            int i = n++;
            op[i] = o; a[i] = x; b[i] = y; val[i] = v; c[i] = k;
            return i;
        }

        public int Chain(int ops)
        {
            n = 0;
            int x = Record(0, -1, -1, 1.0001), y = Record(0, -1, -1, 0.5), acc = x;
            for (int i = 0; i < ops / 4; i++)
            {
                acc = Record(1, acc, x, val[acc] * val[x]);          // mul
                acc = Record(2, acc, y, val[acc] + val[y]);          // add
                acc = Record(3, acc, -1, val[acc] * 0.5, 0.5);       // mul by constant
                acc = Record(4, acc, x, val[acc] - val[x]);          // sub
            }
            return acc;
        }

        /// <summary>
        /// As <see cref="Sweep"/>, but the contribution to node i−1 (the usual input of node i) stays in
        /// a register: the next step adds it to adj[i−1] instead of re-reading an adjoint it has just
        /// stored, so a chain no longer waits on store-to-load forwarding (~5 cycles) every operation.
        /// </summary>
        public void SweepCarry(int top)
        {
            Array.Clear(adj, 0, top + 1);
            double carry = 1; // the pending contribution to node i
            for (int i = top; i >= 0; i--)
            {
                double g = adj[i] + carry;
                carry = 0;
                int x = a[i], y = b[i];
                double dx, dy = 0;
                switch (op[i])
                {
                    case 1: dx = g * val[y]; dy = g * val[x]; break;
                    case 2: dx = g; dy = g; break;
                    case 3: dx = g * c[i]; break;
                    case 4: dx = g; dy = -g; break;
                    default: continue;
                }
                if (x == i - 1) carry = dx; else adj[x] += dx;
                if (op[i] != 3) { if (y == i - 1) carry += dy; else adj[y] += dy; }
            }
        }

        public void Sweep(int top)
        {
            Array.Clear(adj, 0, top + 1);
            adj[top] = 1;
            for (int i = top; i >= 0; i--)
            {
                double g = adj[i];
                switch (op[i])
                {
                    case 1: adj[a[i]] += g * val[b[i]]; adj[b[i]] += g * val[a[i]]; break;
                    case 2: adj[a[i]] += g; adj[b[i]] += g; break;
                    case 3: adj[a[i]] += g * c[i]; break;
                    case 4: adj[a[i]] += g; adj[b[i]] -= g; break;
                }
            }
        }
    }
}
