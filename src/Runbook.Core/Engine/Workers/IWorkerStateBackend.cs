namespace Runbook.Engine.Workers;

/// <summary>A state backend that many workers can share (PostgreSQL); SQLite is one machine's and is not one.</summary>
internal interface IWorkerStateBackend : IStateBackend
{
    /// <summary>Opens the shared work queue beside the state, for one worker holding its items for <paramref name="lease"/> at a time.</summary>
    Task<IWorkQueue> OpenWorkQueueAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Every work item, for <c>status</c> and the report; reads only.</summary>
    Task<IReadOnlyList<WorkItem>> ReadWorkAsync(CancellationToken cancellationToken);
}

/// <summary>How <c>apply --worker</c> splits the work: claims (any worker takes any account) or a static shard.</summary>
internal sealed record WorkerOptions
{
    /// <summary>How long a claim holds without renewal: a dead worker's account is taken over after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker with nothing to claim looks again (others still hold accounts, or a global step runs).</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Static split: this worker takes only the accounts whose <see cref="Shard.Of"/> is its index.</summary>
    public Shard? Shard { get; init; }
}

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/> (<c>--shard i/N</c>, or a Kubernetes Indexed Job's index).</summary>
internal sealed record Shard(int Index, int Count)
{
    /// <summary>A stable hash of the address (SHA-256, case-insensitive): the same shard on every machine and run.</summary>
    public static int Of(string email, int count)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(email.ToLowerInvariant()));
        return (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash) % (uint)count);
    }

    public bool Owns(string email) => Of(email, Count) == Index;

    /// <summary>"i/N"; null for text that is not one.</summary>
    public static Shard? Parse(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2 && int.TryParse(parts[0], out var i) && int.TryParse(parts[1], out var n) && n > 0 && i >= 0 && i < n ? new Shard(i, n) : null;
    }

    public override string ToString() => $"{Index}/{Count}";
}
