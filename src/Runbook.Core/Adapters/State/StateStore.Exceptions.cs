using System.Data.Common;
using Runbook.Engine;

namespace Runbook.Adapters.State;

internal sealed partial class StateStore
{
    private const string ExceptionColumns =
        "account, source_folder, source_uidvalidity, source_id, kind, reason, size, location, step_id, first_seen, last_seen, resolved_at, accepted_by, accepted_at, accept_reason";

    /// <summary>Upserts exceptions; seeing one again re-opens a resolved refusal but keeps a person's acceptance.</summary>
    public Task WriteExceptionsAsync(string stepId, IReadOnlyList<MessageException> exceptions, CancellationToken cancellationToken) =>
        exceptions.Count == 0 ? Task.CompletedTask : InTransactionAsync(async t =>
        {
            var now = Now();
            foreach (var e in exceptions)
            {
                await WriteAsync(t, $"""
                    INSERT INTO message_exceptions (id, {ExceptionColumns}) VALUES ($id, $a, $f, $v, $s, $k, $r, $size, $loc, $step, $now, $now, NULL, NULL, NULL, NULL)
                    ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, reason = excluded.reason, size = excluded.size, location = excluded.location,
                    step_id = excluded.step_id, last_seen = excluded.last_seen, resolved_at = NULL
                    """, cancellationToken, ("$id", e.Id), ("$a", e.Account), ("$f", e.SourceFolder), ("$v", (long)e.SourceUidValidity), ("$s", e.SourceId),
                    ("$k", e.Kind.ToString().ToLowerInvariant()), ("$r", e.Reason), ("$size", e.Size), ("$loc", e.Where), ("$step", stepId), ("$now", now));
            }
        }, cancellationToken);

    /// <summary>The exceptions of one account, or of every account when <paramref name="account"/> is null.</summary>
    public async Task<IReadOnlyList<MessageException>> ReadExceptionsAsync(string? account, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {ExceptionColumns} FROM message_exceptions WHERE $a IS NULL OR account = $a ORDER BY account, source_folder, first_seen",
            ReadException, cancellationToken, ("$a", account));

    /// <summary>A person's decision to live with an exception; false when no exception has that id.</summary>
    public Task<bool> AcceptExceptionAsync(string id, string by, string reason, CancellationToken cancellationToken) =>
        InTransactionAsync(async t =>
        {
            var now = Now();
            var changed = await WriteAsync(t, "UPDATE message_exceptions SET accepted_by = $by, accepted_at = $now, accept_reason = $r WHERE id = $id",
                cancellationToken, ("$id", id), ("$by", by), ("$now", now), ("$r", reason));
            if (changed == 1)
            {
                await JournalAsync(t, null, "accepted", $"{by} accepted exception {id}: {reason}", null, cancellationToken);
            }

            return changed == 1;
        }, cancellationToken);

    private static MessageException ReadException(DbDataReader r) => new()
    {
        Account = r.GetString(0),
        SourceFolder = r.GetString(1),
        SourceUidValidity = (uint)r.GetInt64(2),
        SourceId = r.GetString(3),
        Kind = Enum.Parse<ExceptionKind>(r.GetString(4), ignoreCase: true),
        Reason = r.GetString(5),
        Size = r.GetInt64(6),
        Where = NullableString(r, 7),
        StepId = r.GetString(8),
        FirstSeen = NullableTime(r, 9)!.Value,
        LastSeen = NullableTime(r, 10)!.Value,
        ResolvedAt = NullableTime(r, 11),
        AcceptedBy = NullableString(r, 12),
        AcceptedAt = NullableTime(r, 13),
        AcceptReason = NullableString(r, 14),
    };
}
