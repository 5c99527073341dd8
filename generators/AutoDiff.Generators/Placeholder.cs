namespace AutoDiff.Generators { internal static class Placeholder { } }
