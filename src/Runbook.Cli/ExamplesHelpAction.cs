using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Runbook.Cli;

/// <summary>
/// The standard help, followed by the verb's longer explanation and examples. The verb list of <c>runbook --help</c>
/// stays one line per verb because the examples are not part of the description.
/// </summary>
internal sealed class ExamplesHelpAction(HelpAction standard, IReadOnlyDictionary<Command, string> details) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var code = standard.Invoke(parseResult);
        if (details.TryGetValue(parseResult.CommandResult.Command, out var text))
            parseResult.InvocationConfiguration.Output.WriteLine(text.TrimEnd() + Environment.NewLine);
        return code;
    }

    /// <summary>Replaces the help action of <paramref name="root"/>'s help option (recursive, so every verb has it).</summary>
    public static void Install(RootCommand root, IReadOnlyDictionary<Command, string> details)
    {
        foreach (var option in root.Options.OfType<HelpOption>())
        {
            if (option.Action is HelpAction standard) option.Action = new ExamplesHelpAction(standard, details);
        }
    }
}
