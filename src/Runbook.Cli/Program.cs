using Runbook.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: stop cleanly (the current unit finishes or is abandoned, state saved, exit 130).
    // A second one, while that is under way, ends the process at once.
    if (cancel.IsCancellationRequested)
    {
        return;
    }

    e.Cancel = true;
    Console.Error.WriteLine("runbook: stopping after the current unit (Ctrl+C again to abort at once)...");
    cancel.Cancel();
};

// `kill` (SIGTERM) stops as cleanly as Ctrl+C does.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});

return await RunbookApp.RunAsync(args, TimeProvider.System, cancel.Token);
