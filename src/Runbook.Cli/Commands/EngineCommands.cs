using System.CommandLine;

namespace Runbook.Cli.Commands;

/// <summary>The engine's verbs with their help details, for <see cref="RunbookApp"/> to register.</summary>
internal static class EngineCommands
{
    public static IEnumerable<(Command Command, string Details)> Create(CliConsole console, EngineCli engine) =>
    [
        (PlanCommand.Create(console, engine), PlanCommand.Details),
        (ApplyCommand.Create(console, engine), ApplyCommand.Details),
        (ApproveCommand.Create(console, engine), ApproveCommand.Details),
        (StatusCommand.Create(console, engine), StatusCommand.Details),
        (ResetCommand.Create(console, engine), ResetCommand.Details),
        (LogCommand.Create(console, engine), LogCommand.Details),
        (UnlockCommand.Create(console, engine), UnlockCommand.Details),
        (AcceptCommand.Create(console, engine), AcceptCommand.Details),
        (StateCommand.Create(console, engine), StateCommand.Details),
    ];
}
