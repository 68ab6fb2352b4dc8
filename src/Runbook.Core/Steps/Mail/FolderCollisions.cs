namespace Runbook.Steps.Mail;

/// <summary>Finds destinations that several sources would fill, and allows only the intended merges.</summary>
internal static class FolderCollisions
{
    public static void Check(IReadOnlyList<FolderRoute> routes, List<string> problems)
    {
        foreach (var group in routes.GroupBy(r => r.Destination, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            if (!IsIntended([.. group]))
            {
                var sources = string.Join(", ", group.Select(r => $"'{r.Source}'"));
                problems.Add($"folders {sources} would all be copied into '{group.Key}'; map or rename one of them, or map both explicitly to merge them");
            }
        }
    }

    /// <summary>
    /// A merge is intended when at most one source got there automatically (translation or INBOX) and the others were
    /// sent there on purpose: by the plan (map/rename) or as the same special-use role ("Sent" and "送信済みアイテム"
    /// both belong in the destination's \Sent folder). Two automatic translations meeting is an accident.
    /// </summary>
    private static bool IsIntended(IReadOnlyList<FolderRoute> group)
    {
        var automatic = group.Count(r => r.Reason is RouteReason.Translated or RouteReason.Inbox);
        var roles = group.Where(r => r.Reason == RouteReason.SpecialUse).Select(r => r.Role).Distinct().Count();
        return automatic <= 1 && roles <= 1;
    }
}
