using System.Globalization;
using Runbook.Engine;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailDeltaSync;

/// <summary>
/// What every pass of one delta sync copied, kept in a checkpoint: the outputs of the step are its last pass, which
/// usually copies nothing, while the mail it caught came in an earlier one. A pass killed before it finishes is not
/// counted (its copies show up as already there in the next pass).
/// </summary>
internal sealed record DeltaTotals(int Passes, long Copied, long Bytes)
{
    private const string Key = "delta_totals";

    public static async Task<DeltaTotals> AddAsync(StepContext context, IReadOnlyList<AccountResult> pass, CancellationToken cancellationToken)
    {
        var parts = (await context.State.GetCheckpointAsync(Key, cancellationToken))?.Split(' ');
        var before = parts is { Length: 3 }
            ? new DeltaTotals(int.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture))
            : new DeltaTotals(0, 0, 0);
        var folders = pass.SelectMany(r => r.Folders).ToList();
        var after = new DeltaTotals(before.Passes + 1, before.Copied + folders.Sum(f => f.Copied), before.Bytes + folders.Sum(f => f.CopiedBytes));
        await context.State.SetCheckpointAsync(Key, string.Create(CultureInfo.InvariantCulture, $"{after.Passes} {after.Copied} {after.Bytes}"), cancellationToken);
        return after;
    }
}
