namespace Runbook.Engine.Workers;

/// <summary>Renews a claim's lease every third of its length while the work runs; stopping it stops the renewals.</summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private LeaseKeeper()
    {
    }

    public static LeaseKeeper Start(IWorkQueue queue, string key, string account, TimeSpan lease, TimeProvider time, IRunObserver observer)
    {
        var keeper = new LeaseKeeper();
        keeper._loop = keeper.RenewAsync(queue, key, account, lease / 3, time, observer);
        return keeper;
    }

    private async Task RenewAsync(IWorkQueue queue, string key, string account, TimeSpan every, TimeProvider time, IRunObserver observer)
    {
        try
        {
            while (true)
            {
                await Task.Delay(every, time, _stop.Token);
                if (!await queue.RenewAsync(key, account, _stop.Token))
                {
                    // A pause longer than the lease (a stopped VM): another worker may have started on it. The ledger
                    // keeps the copies apart; say so and stop renewing.
                    observer.Notice($"lost the lease on {(account.Length == 0 ? key : account)}: another worker took it over");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
