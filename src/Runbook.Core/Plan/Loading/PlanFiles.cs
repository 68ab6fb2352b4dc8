namespace Runbook.Plan.Loading;

/// <summary>How file names appear in messages, and how paths written in a plan are resolved.</summary>
internal static class PlanFiles
{
    /// <summary>A path relative to the current directory when the file lies below it, otherwise the full path.</summary>
    public static string Display(string fullPath)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) ? fullPath : relative;
    }

    /// <summary>Resolves <paramref name="written"/> against the folder of the file that contains it.</summary>
    public static string Resolve(string declaringFile, string written) =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(declaringFile)) ?? ".", written));
}
