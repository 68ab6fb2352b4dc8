using System.Runtime.InteropServices;

namespace Runbook.Cli;

/// <summary>
/// Turns Ctrl+C (SIGINT) and SIGTERM into a cancelled token, so a verb stops cleanly: the current unit finishes or is
/// abandoned, state is saved, exit 130. A second Ctrl+C while that is under way ends the process at once.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _terminate;
    private readonly ConsoleCancelEventHandler _interrupt;

    public Interrupts(TextWriter error)
    {
        _interrupt = (_, e) =>
        {
            if (_cancel.IsCancellationRequested)
            {
                return;
            }

            e.Cancel = true;
            error.WriteLine("runbook: stopping after the current unit (Ctrl+C again to abort at once)...");
            _cancel.Cancel();
        };
        Console.CancelKeyPress += _interrupt;
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _cancel.Cancel();
        });
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>Unhooks both handlers first: a signal after this must not reach the disposed token source.</summary>
    public void Dispose()
    {
        Console.CancelKeyPress -= _interrupt;
        _terminate.Dispose();
        _cancel.Dispose();
    }
}
