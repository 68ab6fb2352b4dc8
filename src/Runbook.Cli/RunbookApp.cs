using System.CommandLine;

namespace Runbook.Cli;

/// <summary>Builds the command tree. Each verb lives in Commands/ and stays thin: parse, call the library, print.</summary>
internal static class RunbookApp
{
    public static async Task<int> RunAsync(string[] args, TimeProvider time, CancellationToken cancellationToken)
    {
        var root = new RootCommand("Runbook: move a domain's email from one server to another without losing a message.");
        var parse = root.Parse(args);
        return await parse.InvokeAsync(cancellationToken: cancellationToken);
    }
}
