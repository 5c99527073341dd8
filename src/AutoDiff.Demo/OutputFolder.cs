namespace AutoDiff.Demo;

/// <summary>The --out folder: created and proven writable before any training, so a bad path fails at once, not after a minute.</summary>
internal static class OutputFolder
{
    public static void Prepare(string path)
    {
        if (File.Exists(path)) throw Unusable(path, "it is a file, not a folder", null);
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            // .NET's own text for this ("Could not find file '/proc/x'") names no cause a user can act on.
            throw Unusable(path, e is UnauthorizedAccessException ? "the folder cannot be created: permission denied" : "the folder cannot be created there", e);
        }
        string probe = Path.Combine(path, $".autodiff-write-test-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unusable(path, e is UnauthorizedAccessException ? "no permission to write files in it" : "files cannot be written in it", e);
        }
    }

    private static IOException Unusable(string path, string reason, Exception? inner) =>
        new($"--out {path}: {reason}; give a folder you can create and write to.", inner);
}
