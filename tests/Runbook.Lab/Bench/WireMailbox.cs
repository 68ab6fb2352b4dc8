using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Runbook.Lab.Bench;

/// <summary>A selectable folder as the server names it, and the hierarchy separator it uses.</summary>
internal sealed record WireFolder(string Name, char Separator);

/// <summary>Folder listing and batched reads over an <see cref="ImapWire"/>.</summary>
internal static partial class WireMailbox
{
    public static async Task<IReadOnlyList<WireFolder>> FoldersAsync(ImapWire wire, CancellationToken cancellationToken)
    {
        var folders = new List<WireFolder>();
        await wire.CommandAsync("LIST \"\" \"*\"", response =>
        {
            var match = ListLine().Match(response.Text);
            if (!match.Success || match.Groups[1].Value.Contains("\\Noselect", StringComparison.OrdinalIgnoreCase)
                || match.Groups[1].Value.Contains("\\NonExistent", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
            var separator = match.Groups[2].Value is ['"', .. var inner, '"'] ? inner.TrimStart('\\')[0] : '/';
            var name = match.Groups[3].Value;
            name = response.Literals.Count == 1 ? Encoding.UTF8.GetString(response.Literals[0])
                : name.StartsWith('"') ? Unquote(name) : name;
            folders.Add(new WireFolder(name, separator));
        }, cancellationToken);
        if (!folders.Any(f => f.Name.Equals("INBOX", StringComparison.OrdinalIgnoreCase)))
        {
            folders.Insert(0, new WireFolder("INBOX", folders.FirstOrDefault()?.Separator ?? '/'));
        }
        return folders;
    }

    /// <summary>Reads a folder in batches (EXAMINE, then FETCH by sequence ranges); each batch goes to <paramref name="onBatch"/>.</summary>
    public static async Task ReadAsync(ImapWire wire, string folder, int batchSize, Func<List<WireMessage>, Task> onBatch, CancellationToken cancellationToken)
    {
        var exists = 0;
        await wire.CommandAsync($"EXAMINE {ImapWire.Quote(folder)}", response =>
        {
            if (Exists().Match(response.Text) is { Success: true } match)
            {
                exists = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }, cancellationToken);
        for (var first = 1; first <= exists; first += batchSize)
        {
            var batch = new List<WireMessage>(batchSize);
            var last = Math.Min(exists, first + batchSize - 1);
            await wire.CommandAsync(string.Create(CultureInfo.InvariantCulture, $"FETCH {first}:{last} (FLAGS INTERNALDATE BODY.PEEK[])"), response =>
            {
                if (response.Literals.Count == 1 && response.Text.Contains(" FETCH (", StringComparison.Ordinal))
                {
                    var flags = FlagsItem().Match(response.Text).Groups[1].Value;
                    flags = string.Join(' ', flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => !f.Equals("\\Recent", StringComparison.OrdinalIgnoreCase)));
                    batch.Add(new WireMessage(response.Literals[0], flags, DateItem().Match(response.Text).Groups[1].Value));
                }
            }, cancellationToken);
            await onBatch(batch);
        }
    }

    private static string Unquote(string quoted) =>
        quoted[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex(@"^\* LIST \(([^)]*)\) (NIL|""(?:[^""\\]|\\.)*"") (.*)$")]
    private static partial Regex ListLine();

    [GeneratedRegex(@"^\* (\d+) EXISTS")]
    private static partial Regex Exists();

    [GeneratedRegex(@"FLAGS \(([^)]*)\)")]
    private static partial Regex FlagsItem();

    [GeneratedRegex(@"INTERNALDATE ""([^""]*)""")]
    private static partial Regex DateItem();
}
