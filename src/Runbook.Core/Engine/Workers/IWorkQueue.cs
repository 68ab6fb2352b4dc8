namespace Runbook.Engine.Workers;

/// <summary>
/// Work shared by the workers of one plan: one item per (step, account), and one per global step (account "").
/// An item is claimed by one worker at a time for a lease; a worker that dies stops renewing it, and once the
/// lease has run out another worker claims the item and resumes it from the state (the copy ledger, checkpoints).
/// </summary>
internal interface IWorkQueue : IAsyncDisposable
{
    /// <summary>Who this worker is in claims, journal lines and <c>status</c> (host, process, a random tag).</summary>
    string WorkerId { get; }

    /// <summary>Holds the queue-wide lock while <paramref name="work"/> runs (the plan sync of the first worker).</summary>
    Task<T> ExclusiveAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Adds the items that are not there yet; existing items (done, held) are left as they are.</summary>
    Task SeedAsync(string key, IReadOnlyCollection<string> accounts, CancellationToken cancellationToken);

    /// <summary>Claims one open item of <paramref name="key"/> among <paramref name="allowed"/> that nobody holds or whose lease ran out.</summary>
    Task<WorkClaim?> ClaimAsync(string key, IReadOnlyCollection<string> allowed, CancellationToken cancellationToken);

    /// <summary>Extends this worker's lease on the item; false when another worker took it over meanwhile.</summary>
    Task<bool> RenewAsync(string key, string account, CancellationToken cancellationToken);

    /// <summary>Done (or failed, with the error), or released for another try (<paramref name="status"/> "open").</summary>
    Task FinishAsync(string key, string account, string status, string? error, CancellationToken cancellationToken);

    /// <summary>True for exactly one caller per <paramref name="key"/> and <paramref name="marker"/>, ever.</summary>
    Task<bool> OnceAsync(string key, string marker, CancellationToken cancellationToken);

    /// <summary>Every item, for <c>status</c> and waiting: who holds it, until when, how it ended.</summary>
    Task<IReadOnlyList<WorkItem>> ListAsync(string? key, CancellationToken cancellationToken);
}

/// <summary>An item this worker now holds; <see cref="TakenFrom"/> names the worker whose lease ran out, if any.</summary>
internal sealed record WorkClaim(string Key, string Account, string? TakenFrom, int Attempts);

/// <summary>One item as it is now.</summary>
internal sealed record WorkItem(string Key, string Account, string Status, string? Holder, DateTimeOffset? LeaseUntil, int Attempts, string? Error, DateTimeOffset UpdatedAt)
{
    public bool Open => Status == "open";
}
