using System.Text.RegularExpressions;
using Runbook.Errors;
using Runbook.Tests.Support;

namespace Runbook.Tests.Errors;

/// <summary>Scripts rely on the exit codes as the README documents them: the table and the enum must not drift apart.</summary>
public sealed partial class ExitCodeTests
{
    [Fact]
    public void Given_the_readme_exit_code_table_Then_it_lists_exactly_the_codes_the_cli_returns()
    {
        var readme = File.ReadAllText(RepoPaths.Of("README.md"));
        var section = readme[readme.IndexOf("\n## Exit codes", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];

        var documented = TableRow().Matches(section).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

        Assert.Equal(Enum.GetValues<ExitCode>().Select(c => (int)c).Order(), documented.Order());
    }

    [GeneratedRegex(@"^\| (\d+) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
