namespace Runbook.Engine;

/// <summary>Something tried to write during a dry run. A bug in that step kind, never caught: plan must stay side-effect free.</summary>
internal sealed class DryRunWriteException(string message) : InvalidOperationException(message);
