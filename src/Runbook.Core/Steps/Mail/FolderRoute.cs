namespace Runbook.Steps.Mail;

/// <summary>Why a source folder goes where it goes; shown in dry runs and reports.</summary>
internal enum RouteReason { Inbox, Translated, SpecialUse, Explicit, Renamed }

/// <summary>One source folder and the destination path ('/'-separated) it is copied into.</summary>
internal sealed record FolderRoute(string Source, string Destination, RouteReason Reason, string? Role = null);

/// <summary>The outcome of mapping a mailbox's folders. Problems are collected, never thrown: preflight shows them all.</summary>
internal sealed record FolderMap(
    IReadOnlyList<FolderRoute> Routes,
    IReadOnlyList<string> Excluded,
    IReadOnlyList<string> Problems)
{
    public bool IsValid => Problems.Count == 0;

    /// <summary>Routes grouped by destination, sources in a stable order (the order a merge copies them in).</summary>
    public IReadOnlyList<IGrouping<string, FolderRoute>> ByDestination() =>
        [.. Routes.GroupBy(r => r.Destination, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)];
}
