using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail;

/// <summary>Tracks, during one folder pass, how far the checkpoint may safely move (see <see cref="MailCheckpoint"/>).</summary>
internal sealed class CheckpointProgress(MailCheckpoint? previous, bool enabled)
{
    private readonly HashSet<string> _uidls = [.. previous?.Uidls ?? []];
    private bool _enabled = enabled;
    private uint _lastUid = previous?.LastUid ?? 0;
    private uint _high = previous?.DestinationHighUid ?? 0;
    private bool _moved;

    /// <summary>A batch item came back from the destination.</summary>
    public void Appended(bool stored, uint? destinationUid)
    {
        if (!stored || destinationUid is null)
        {
            // A refused message must be tried (and reported) again; without UIDPLUS the copy's UID is unknown.
            _enabled = false;
            return;
        }

        _high = Math.Max(_high, destinationUid.Value);
    }

    /// <summary>The pass is now past <paramref name="message"/>: it was copied, or already present at <paramref name="presentUid"/>.</summary>
    public void Passed(SourceMessage message, uint? presentUid)
    {
        _lastUid = Math.Max(_lastUid, message.Uid);
        _uidls.Add(message.SourceId);
        if (presentUid is { } uid)
        {
            _high = Math.Max(_high, uid);
        }

        _moved = true;
    }

    /// <summary>True when no later message's existing copy sits at or below the high-water mark.</summary>
    public bool CanSaveBefore(uint lowestLaterPresentUid) => _enabled && _moved && _high < lowestLaterPresentUid;

    public MailCheckpoint ToCheckpoint(uint uidValidity, bool pop3) => new()
    {
        UidValidity = uidValidity,
        LastUid = pop3 ? 0 : _lastUid,
        DestinationHighUid = _high,
        Uidls = pop3 ? [.. _uidls.Order(StringComparer.Ordinal)] : null,
    };
}
