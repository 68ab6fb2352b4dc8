namespace Runbook.Adapters.State;

internal sealed partial class StateStore
{
    public async Task<string?> GetCheckpointAsync(string stepId, string key, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT value FROM checkpoints WHERE step_id = $s AND key = $k", r => r.GetString(0), cancellationToken,
            ("$s", stepId), ("$k", key))).FirstOrDefault();

    public async Task<IReadOnlyDictionary<string, string>> GetCheckpointsAsync(string stepId, string prefix, CancellationToken cancellationToken)
    {
        // substr, not LIKE: keys are mailbox and folder names, where % and _ are ordinary characters.
        var rows = await QueryAsync("SELECT key, value FROM checkpoints WHERE step_id = $s AND substr(key, 1, length($p)) = $p ORDER BY key",
            r => (Key: r.GetString(0), Value: r.GetString(1)), cancellationToken, ("$s", stepId), ("$p", prefix));
        return rows.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
    }

    public Task SetCheckpointAsync(string stepId, string key, string value, CancellationToken cancellationToken) =>
        InTransactionAsync(t => WriteAsync(t, """
            INSERT INTO checkpoints (step_id, key, value, updated_at) VALUES ($s, $k, $v, $now)
            ON CONFLICT(step_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """, cancellationToken, ("$s", stepId), ("$k", key), ("$v", value), ("$now", Now())), cancellationToken);
}
