using System.Globalization;
using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail;

internal sealed partial class FolderCopier
{
    private ServerIdentity? _software;

    /// <summary>
    /// Reads back what the new server stored for a batch (APPENDUID gave the UIDs): every size in one FETCH, and the
    /// bytes of the messages at risk of alteration (8-bit headers, bare CR/LF, NUL, long lines, no header separator),
    /// or of all with <c>verify_appends: hash</c>. When <paramref name="appendsFollow"/>, it runs beside the next APPEND.
    /// </summary>
    private async Task<IReadOnlyDictionary<uint, StoredMessage>> ReadStoredAsync(
        Unit unit, IReadOnlyList<AppendResult> outcomes, bool appendsFollow, CancellationToken cancellationToken)
    {
        var known = Known(outcomes);
        if (known.Count == 0)
        {
            return new Dictionary<uint, StoredMessage>();
        }

        var hash = known.Where(o => options.VerifyAppends == VerifyAppends.Hash || o.Item.Inspection!.Risks != ContentRisk.None).Select(o => o.Uid!.Value).ToHashSet();
        return (await session.Destination.ReadStoredAsync(unit.Route.Destination, [.. known.Select(o => o.Uid!.Value)], hash, appendsFollow, cancellationToken)).ToDictionary(s => s.Uid);
    }

    /// <summary>The source messages whose copy differs from what was sent, each logged with what changed.</summary>
    private async Task<IReadOnlySet<SourceMessage>> CheckStoredAsync(Unit unit, IReadOnlyList<AppendResult> outcomes, IReadOnlyDictionary<uint, StoredMessage> stored, CancellationToken cancellationToken)
    {
        var altered = new HashSet<SourceMessage>(ReferenceEqualityComparer.Instance);
        foreach (var outcome in Known(outcomes))
        {
            if (!stored.TryGetValue(outcome.Uid!.Value, out var copy) || Difference(outcome.Item, copy) is not { } what)
            {
                continue;
            }

            altered.Add(outcome.Item.Source);
            log.Alterations.Add(new MessageAlteration(
                Account, unit.Route.Source, unit.UidValidity, outcome.Item.Source.SourceId, outcome.Item.Size,
                unit.Route.Destination, copy.Uid, await SoftwareAsync(cancellationToken), what));
        }

        return altered;
    }

    /// <summary>Stored messages whose UID and sent bytes are known: only those can be checked.</summary>
    private static List<AppendResult> Known(IReadOnlyList<AppendResult> outcomes) =>
        [.. outcomes.Where(o => o is { Status: AppendStatus.Stored, Uid: not null, Item.Inspection: not null })];

    /// <summary>The new server's software (IMAP ID), asked once per account and only when a copy was altered.</summary>
    private async Task<string?> SoftwareAsync(CancellationToken cancellationToken) =>
        (_software ??= await session.Destination.IdentifyAsync(cancellationToken) ?? new ServerIdentity(null)).Software;

    /// <summary>What differs between the bytes sent and the copy, or null when they are the same (as far as was read).</summary>
    private static string? Difference(AppendItem sent, StoredMessage copy)
    {
        var risks = sent.Inspection!.Risks == ContentRisk.None ? "" : $" (sent with: {sent.Inspection.Risks})";
        if (copy.Size != sent.Size)
        {
            return string.Create(CultureInfo.InvariantCulture, $"stored {copy.Size:N0} bytes, sent {sent.Size:N0}{FirstDifference(sent, copy)}{risks}");
        }

        return copy.Sha256 is null || copy.Sha256.AsSpan().SequenceEqual(sent.Inspection.Sha256)
            ? null
            : $"same size, other bytes{FirstDifference(sent, copy)}{risks}";
    }

    /// <summary>"; first difference at byte 57 (header): sent F0 9F 8E 89, stored 58 58 58 58", when the stored bytes were kept.</summary>
    private static string FirstDifference(AppendItem sent, StoredMessage copy)
    {
        if (copy.Bytes is null)
        {
            return "";
        }

        using var stream = sent.OpenContent();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var original = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var at = original.CommonPrefixLength(copy.Bytes);
        var headerEnd = HeaderBlock.End(original);
        var where = at < headerEnd ? "header" : "body";
        return string.Create(CultureInfo.InvariantCulture,
            $"; first difference at byte {at} ({where}): sent {Hex(original[at..])}, stored {Hex(copy.Bytes.AsSpan(Math.Min(at, copy.Bytes.Length)))}");
    }

    private static string Hex(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? "(end)" : Convert.ToHexString(bytes[..Math.Min(8, bytes.Length)]).Chunk(2).Aggregate("", (s, pair) => s.Length == 0 ? new string(pair) : s + " " + new string(pair));
}
