using System.Globalization;

namespace Runbook.TestHost;

/// <summary>
/// Numbered places where a test may kill this process. Reaching point N (counted from 1 in this process) when
/// RUNBOOK_TEST_KILL_AT is N writes the marker file (its content names the point) and blocks, so the test kills
/// the process at a known place instead of after a guessed delay.
/// </summary>
internal sealed class KillPoints(int? killAt, string? marker, bool cancellable)
{
    private int _reached;

    public static KillPoints FromEnvironment() => new(
        int.TryParse(Environment.GetEnvironmentVariable("RUNBOOK_TEST_KILL_AT"), CultureInfo.InvariantCulture, out var n) ? n : null,
        Environment.GetEnvironmentVariable("RUNBOOK_TEST_MARKER"),
        Environment.GetEnvironmentVariable("RUNBOOK_TEST_BLOCK") == "cancellable");

    public void Reach(string where, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _reached);
        if (number != killAt || marker is null)
        {
            return;
        }

        File.WriteAllText(marker + ".tmp", $"{number} {where}");
        File.Move(marker + ".tmp", marker);
        if (cancellable)
        {
            // Until Ctrl+C or SIGTERM: the step then sees its token cancelled, as a long copy would.
            cancellationToken.WaitHandle.WaitOne();
            cancellationToken.ThrowIfCancellationRequested();
        }

        // Blocks the whole step (synchronously, on purpose) until SIGKILL arrives.
        Thread.Sleep(Timeout.Infinite);
    }
}
