using System.CommandLine;
using Runbook.Cli.Commands;
using Runbook.Errors;

namespace Runbook.Cli;

/// <summary>Builds the command tree. Each verb lives in Commands/ and stays thin: parse, call the library, print.</summary>
internal static class RunbookApp
{
    private const string RootDetails = """
        Write a plan (runbook init), check it (runbook validate), then run it step by step.
        Exit codes: 0 success, 1 a step failed, 2 changes pending (plan --detailed-exitcode), 3 stopped at a wait,
        64 usage (or a changed plan not accepted, or a step kind this version cannot run yet), 65 invalid plan,
        69 server unreachable, 75 lock held, 77 authentication failed, 130 cancelled.

        Examples:
          runbook init customers/acme.yaml
          runbook validate customers/acme.yaml
          runbook plan customers/acme.yaml
          runbook apply customers/acme.yaml --wait
          runbook approve customers/acme.yaml switch-mx --by "Yuki Tanaka"
          runbook status customers/acme.yaml
          runbook report customers/acme.yaml
          runbook backup verify customers/acme.yaml
        """;

    public static Task<int> RunAsync(string[] args, TimeProvider time, CancellationToken cancellationToken) =>
        RunAsync(args, time, CliConsole.System(), cancellationToken);

    public static Task<int> RunAsync(string[] args, TimeProvider time, CliConsole console, CancellationToken cancellationToken) =>
        RunAsync(args, EngineCli.Production(time), console, cancellationToken);

    /// <summary>Runs with the given engine (step kinds, clock); the test host passes its test kinds here.</summary>
    public static async Task<int> RunAsync(string[] args, EngineCli engine, CliConsole console, CancellationToken cancellationToken)
    {
        var root = new RootCommand("Runbook: move a domain's email from one server to another without losing a message.");
        var details = new Dictionary<Command, string>
        {
            [ValidateCommand.Create(console, engine)] = ValidateCommand.Details,
            [SchemaCommand.Create(console)] = SchemaCommand.Details,
            [InitCommand.Create(console)] = InitCommand.Details,
            [BackupCommand.Create(console, engine)] = BackupCommand.Details,
            [ReportCommand.Create(console, engine)] = ReportCommand.Details,
        };
        foreach (var (command, text) in EngineCommands.Create(console, engine)) details[command] = text;
        details[root] = RootDetails;
        foreach (var verb in details.Keys.Where(c => c != root)) root.Subcommands.Add(verb);
        ExamplesHelpAction.Install(root, details);
        var parse = root.Parse(args);
        if (args.Length == 0) parse = root.Parse(["--help"]);
        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false,
            // Ctrl+C is handled in Program: it cancels the token, and the verb saves its state and returns 130 itself.
            ProcessTerminationTimeout = null };
        // `VERB --help` without the verb's arguments is a request for help, not a usage error.
        if (parse.Errors.Count > 0 && parse.Action is not ExamplesHelpAction)
        {
            foreach (var error in parse.Errors) await console.Error.WriteLineAsync($"runbook: {error.Message}");
            await console.Error.WriteLineAsync("Try 'runbook --help' or 'runbook VERB --help'.");
            return (int)ExitCode.Usage;
        }
        var code = await ErrorMapping.RunAsync(() => parse.InvokeAsync(configuration, cancellationToken), console.Error);
        return args.Length == 0 ? (int)ExitCode.Usage : code;
    }
}
