using System.CommandLine;
using Runbook.Errors;
using Runbook.Plan.Validation;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook init [PATH]</c>: write a commented starter plan (and the schema beside it for editors).</summary>
internal static class InitCommand
{
    private const string SchemaFile = "runbook.schema.json";

    public const string Details = """
        Write a commented starter plan that validates as it is, with a yaml-language-server modeline so editors
        offer completion and hover help. The schema is written beside it as runbook.schema.json unless that file
        exists. Never overwrites a plan.

        Examples:
          runbook init                       # writes ./runbook.yaml
          runbook init customers/acme.yaml
        """;

    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("PATH") { Description = "Where to write the plan.", DefaultValueFactory = _ => "runbook.yaml" };
        var command = new Command("init", "Write a commented starter plan (never overwrites).") { path };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(path)!, console, ct));
        return command;
    }

    private static async Task<int> RunAsync(string path, CliConsole console, CancellationToken cancellationToken)
    {
        if (File.Exists(path) || Directory.Exists(path))
            throw new UsageException($"{path} already exists; refusing to overwrite it (choose another path)");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(path, Starter(), cancellationToken);
        console.Line($"wrote {path}", "green");

        var schema = Path.Combine(folder, SchemaFile);
        if (!File.Exists(schema))
        {
            await File.WriteAllTextAsync(schema, PlanSchema.Text(), cancellationToken);
            console.Line($"wrote {Path.Combine(Path.GetDirectoryName(path) ?? "", SchemaFile)}");
        }
        console.Line($"next: edit it, then run: runbook validate {path}");
        return (int)ExitCode.Success;
    }

    private static string Starter()
    {
        using var stream = typeof(InitCommand).Assembly.GetManifestResourceStream("Runbook.Cli.StarterPlan.yaml")
            ?? throw new InvalidOperationException("the starter plan resource is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
