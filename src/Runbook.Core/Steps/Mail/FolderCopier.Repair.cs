using Runbook.Adapters.Mail;
using Runbook.Steps.Mail.Repair;

namespace Runbook.Steps.Mail;

internal sealed partial class FolderCopier
{
    /// <summary>Source messages repaired in this pass, with the repaired copy's identity.</summary>
    private readonly Dictionary<SourceMessage, string> _repaired = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// With <c>repair:</c>, a spooled message whose inspection shows what a repair fixes is rewritten before APPEND:
    /// the original goes to the quarantine beside the state first, then the repaired bytes are spooled and sent.
    /// </summary>
    private AppendItem RepairIfAsked(Unit unit, MessageSpool spool, AppendItem item)
    {
        if (options.Repairs == RepairKinds.None || options.QuarantineDirectory is null || item.Inspection is not { } inspection
            || !MessageRepair.Needed(inspection.Risks, options.Repairs) || spool.BytesOf(item) is not { } sent)
        {
            return item;
        }

        var (bytes, changes) = MessageRepair.Apply(sent, options.Repairs);
        if (changes.Count == 0)
        {
            return item;
        }

        var original = new Quarantine(options.QuarantineDirectory).Keep(Account, unit.Route.Source, unit.UidValidity, item.Source.SourceId, sent);
        log.Repairs.Add(new MessageRepaired(Account, unit.Route.Source, item.Source.SourceId, changes, original));
        _repaired[item.Source] = MessageIdentity.HeaderDigest(bytes, bytes.Length);
        return spool.Replace(item, bytes);
    }
}
