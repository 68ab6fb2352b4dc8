using Spectre.Console;

namespace Runbook.Cli;

/// <summary>Where verbs print. Colours only on a terminal; redirected output stays plain and unwrapped for scripts.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool colors)
{
    private readonly IAnsiConsole? ansi = colors
        ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) })
        : null;

    public TextWriter Out => output;

    public TextWriter Error => error;

    /// <summary>The terminal, for live displays (progress bars); null when output is redirected.</summary>
    public IAnsiConsole? Ansi => ansi;

    public static CliConsole System() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null);

    public void Line(string text, string? style = null)
    {
        if (ansi is null || style is null) output.WriteLine(text);
        else ansi.MarkupLine($"[{style}]{Markup.Escape(text)}[/]");
    }
}
