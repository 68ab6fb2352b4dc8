using Runbook.Engine;

namespace Runbook.Adapters.State;

/// <summary>The state in one SQLite file per plan, locked by <see cref="StateLock"/>: the default for one machine.</summary>
internal sealed class SqliteStateBackend : IStateBackend
{
    public async Task<StateSession> OpenForApplyAsync(string path, string command, TimeProvider time, CancellationToken cancellationToken)
    {
        var stateLock = StateLock.Acquire(path, command, time, out var stale);
        try
        {
            return new StateSession(await StateStore.OpenAsync(path, time, cancellationToken), stateLock, stale?.ToString());
        }
        catch
        {
            stateLock.Dispose();
            throw;
        }
    }

    public async Task<IStateStore?> OpenReadOnlyAsync(string path, TimeProvider time, CancellationToken cancellationToken) =>
        await StateStore.OpenReadOnlyAsync(path, time, cancellationToken);
}
