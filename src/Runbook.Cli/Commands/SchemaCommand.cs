using System.CommandLine;
using Runbook.Plan.Validation;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook schema</c>: print the plan's JSON Schema (the one built into this binary).</summary>
internal static class SchemaCommand
{
    public const string Details = """
        Print the JSON Schema (draft-07) of the plan language, for editors and other tools.

        Examples:
          runbook schema > runbook.schema.json
          # then, first line of a plan:  # yaml-language-server: $schema=runbook.schema.json
        """;

    public static Command Create(CliConsole console)
    {
        var command = new Command("schema", "Print the JSON Schema of the plan language.");
        command.SetAction(async (_, ct) =>
        {
            await console.Out.WriteAsync(PlanSchema.Text().AsMemory(), ct);
            return 0;
        });
        return command;
    }
}
