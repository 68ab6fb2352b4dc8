using System.Text.RegularExpressions;
using Runbook.Adapters.Mail;
using Runbook.Plan.Model;

namespace Runbook.Steps.Mail;

/// <summary>
/// Maps source folders to destination paths: exclude → explicit map → special-use → translated (prefix stripped,
/// separator → '/', children of a special-use folder follow it) → regex rename (matched on the translated path).
/// Two sources may share one destination only when intended: both are special-use folders of the same role, or the
/// plan's map/rename names that destination. Any other collision is a problem, because it would silently merge folders.
/// </summary>
internal static class FolderMapper
{
    private const string Inbox = "INBOX";
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    public static FolderMap Map(
        IReadOnlyList<SourceFolder> sourceFolders,
        MailNamespace sourceNamespace,
        IReadOnlyList<SourceFolder> destinationFolders,
        MailNamespace destinationNamespace,
        FolderMapping rules)
    {
        var problems = new List<string>();
        var excludes = Compile(rules.Exclude, problems);
        var renames = rules.Rename.Select(r => (Regex: Compile(r.Match, problems), r.To)).ToList();
        var roleTargets = rules.SpecialUse ? DestinationRoles(destinationFolders, destinationNamespace) : [];

        var selectable = sourceFolders.Where(f => f.Selectable).Select(f => f).ToList();
        if (!selectable.Any(f => IsInbox(f.FullName)))
        {
            // Every mailbox has an INBOX even when a server leaves it out of the namespace listing.
            selectable.Insert(0, new SourceFolder(Inbox, sourceNamespace.Separator, true, null));
        }

        var routes = new List<FolderRoute>();
        var excluded = new List<string>();
        var rebase = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new List<(SourceFolder Folder, string Translated)>();

        foreach (var folder in selectable.OrderBy(f => f.FullName, StringComparer.Ordinal))
        {
            if (excludes.Any(x => x.IsMatch(folder.FullName)))
            {
                excluded.Add(folder.FullName);
                continue;
            }

            if (rules.Map.TryGetValue(folder.FullName, out var explicitTarget))
            {
                routes.Add(new FolderRoute(folder.FullName, Normalise(explicitTarget), RouteReason.Explicit));
                continue;
            }

            var translated = Translate(folder, sourceNamespace, problems);
            if (translated is null)
            {
                continue;
            }

            if (IsInbox(translated))
            {
                routes.Add(new FolderRoute(folder.FullName, Inbox, RouteReason.Inbox));
                continue;
            }

            var role = rules.SpecialUse && !translated.Contains('/', StringComparison.Ordinal)
                ? SpecialUseNames.RoleOfFlag(folder.SpecialUse) ?? SpecialUseNames.RoleOf(translated)
                : null;
            if (role is not null && roleTargets.TryGetValue(role, out var target))
            {
                routes.Add(new FolderRoute(folder.FullName, target, RouteReason.SpecialUse, role));
                rebase[translated] = target;
                continue;
            }

            pending.Add((folder, translated));
        }

        foreach (var (folder, translated) in pending)
        {
            var path = Rebase(translated, rebase);
            var reason = RouteReason.Translated;
            foreach (var (regex, to) in renames)
            {
                if (regex is not null && regex.IsMatch(path))
                {
                    path = Normalise(regex.Replace(path, to, 1));
                    reason = RouteReason.Renamed;
                    break;
                }
            }

            routes.Add(new FolderRoute(folder.FullName, path, reason));
        }

        FolderCollisions.Check(routes, problems);
        return new FolderMap(routes, excluded, problems);
    }

    public static bool IsInbox(string name) => string.Equals(name, Inbox, StringComparison.OrdinalIgnoreCase);

    /// <summary>Source name → '/' path relative to the personal namespace; null (with a problem) when it cannot be expressed.</summary>
    internal static string? Translate(SourceFolder folder, MailNamespace ns, List<string> problems)
    {
        var separator = folder.Separator == '\0' ? ns.Separator : folder.Separator;
        var name = StripPrefix(folder.FullName, ns.Prefix, separator);
        var segments = separator == '/' ? name.Split('/') : name.Split(separator);
        if (separator != '/' && segments.Any(s => s.Contains('/', StringComparison.Ordinal)))
        {
            problems.Add($"folder '{folder.FullName}' has a '/' inside a name; add an explicit map entry for it");
            return null;
        }

        if (segments.Any(s => s.Length == 0))
        {
            problems.Add($"folder '{folder.FullName}' has an empty name segment; add an explicit map entry for it");
            return null;
        }

        return IsInbox(segments[0]) && segments.Length == 1 ? Inbox : string.Join('/', segments);
    }

    private static string StripPrefix(string fullName, string prefix, char separator)
    {
        var bare = prefix.TrimEnd(separator);
        if (bare.Length == 0 || IsInbox(fullName))
        {
            return fullName;
        }

        var withSeparator = bare + separator;
        return fullName.StartsWith(withSeparator, StringComparison.OrdinalIgnoreCase) ? fullName[withSeparator.Length..] : fullName;
    }

    /// <summary>Role → destination path, from the destination's SPECIAL-USE flags (the first folder per role wins).</summary>
    private static Dictionary<string, string> DestinationRoles(IReadOnlyList<SourceFolder> folders, MailNamespace ns)
    {
        var roles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in folders.OrderBy(f => f.FullName, StringComparer.Ordinal))
        {
            var role = SpecialUseNames.RoleOfFlag(folder.SpecialUse);
            if (role is not null && !roles.ContainsKey(role))
            {
                roles[role] = Translate(folder, ns, []) ?? folder.FullName;
            }
        }

        return roles;
    }

    private static string Rebase(string path, Dictionary<string, string> rebase)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && rebase.TryGetValue(path[..slash], out var target) ? target + path[slash..] : path;
    }

    private static string Normalise(string path)
    {
        var trimmed = path.Trim().Trim('/');
        return IsInbox(trimmed) ? Inbox : trimmed;
    }

    private static List<Regex> Compile(IReadOnlyList<string> patterns, List<string> problems) =>
        [.. patterns.Select(p => Compile(p, problems)).OfType<Regex>()];

    private static Regex? Compile(string pattern, List<string> problems)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            problems.Add($"folder pattern '{pattern}' is not a valid regular expression: {ex.Message}");
            return null;
        }
    }
}
