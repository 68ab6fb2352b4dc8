using System.Text.Json;
using Runbook.Cli;
using Runbook.Errors;
using Runbook.Tests.Support;

namespace Runbook.Tests.Cli;

/// <summary>Drives the real command tree end to end with captured output.</summary>
public sealed class CliTests
{
    private static async Task<(int Code, string Out, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RunbookApp.RunAsync(args, TimeProvider.System, new CliConsole(output, error, colors: false), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Given_a_valid_plan_When_validated_Then_exit_0_and_a_summary()
    {
        var (code, output, _) = await Run("validate", RepoPaths.Of("plans", "pop3-only.yaml"));

        Assert.Equal(0, code);
        Assert.Contains("pop3-only.yaml: valid (9 steps, 2 accounts, 0 warnings; hash ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_invalid_plan_When_validated_as_json_Then_exit_65_and_the_diagnostics_are_structured()
    {
        var plan = RepoPaths.Of("tests", "Runbook.Tests", "Plan", "Invalid", "enum-security.yaml");

        var (code, output, _) = await Run("validate", "--format", "json", plan, RepoPaths.Of("plans", "pop3-only.yaml"));

        Assert.Equal((int)ExitCode.InvalidPlan, code);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var diagnostic = json.RootElement.GetProperty("plans")[0].GetProperty("diagnostics")[0];
        Assert.Equal("servers.old.imap.security", diagnostic.GetProperty("path").GetString());
        Assert.Equal(7, diagnostic.GetProperty("line").GetInt32());
        Assert.True(json.RootElement.GetProperty("plans")[1].GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task Given_plans_with_passwords_written_in_clear_When_validated_Then_no_output_quotes_them(string format)
    {
        var invalid = RepoPaths.Of("tests", "Runbook.Tests", "Plan", "Invalid");
        string[] plans = ["literal-password.yaml", "csv-literal-password.yaml", "secret-env-not-a-name.yaml"];

        var (code, output, error) = await Run(["validate", "--format", format, .. plans.Select(p => Path.Combine(invalid, p))]);

        Assert.Equal((int)ExitCode.InvalidPlan, code);
        Assert.Contains("literal password", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("validate", "--format", "xml", "plan.yaml")]
    [InlineData("validate", "no-such-plan.yaml")]
    [InlineData("frobnicate")]
    [InlineData]
    public async Task Given_wrong_usage_When_run_Then_exit_64(params string[] args)
    {
        var (code, _, _) = await Run(args);

        Assert.Equal((int)ExitCode.Usage, code);
    }

    [Fact]
    public async Task Given_help_on_a_verb_When_run_Then_it_shows_examples()
    {
        var (code, output, _) = await Run("validate", "--help");

        Assert.Equal(0, code);
        Assert.Contains("Examples:", output, StringComparison.Ordinal);
        Assert.Contains("--format", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_init_When_run_twice_Then_the_starter_plan_validates_and_is_not_overwritten()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "customer", "plan.yaml");

        var first = await Run("init", path);
        File.AppendAllText(path, "# my edit\n");
        var second = await Run("init", path);
        var validated = await Run("validate", path);

        Assert.Equal(0, first.Code);
        Assert.StartsWith("# yaml-language-server: $schema=runbook.schema.json", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.Path, "customer", "runbook.schema.json")));
        Assert.Equal((int)ExitCode.Usage, second.Code);
        Assert.Contains("refusing to overwrite", second.Error, StringComparison.Ordinal);
        Assert.EndsWith("# my edit\n", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(0, validated.Code);
    }

    [Fact]
    public async Task Given_schema_When_run_Then_it_prints_the_repository_schema()
    {
        var (code, output, _) = await Run("schema");

        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(RepoPaths.Of("schemas", "runbook.schema.json")), output);
    }

    [Theory]
    [InlineData(typeof(OperationCanceledException), 130)]
    [InlineData(typeof(InvalidOperationException), 1)]
    public void Given_an_exception_When_mapped_Then_it_gets_its_exit_code(Type type, int expected)
    {
        Assert.Equal(expected, (int)ErrorMapping.ExitCodeFor((Exception)Activator.CreateInstance(type)!));
    }

    [Fact]
    public async Task Given_a_verb_that_throws_a_bug_When_run_Then_exit_1_with_one_line_and_no_stack_trace()
    {
        using var error = new StringWriter();

        var code = await ErrorMapping.RunAsync(() => throw new InvalidOperationException("boom"), error);

        Assert.Equal(1, code);
        Assert.Equal("runbook: unexpected error (InvalidOperationException): boom" + Environment.NewLine, error.ToString());
    }

    [Fact]
    public void Given_runbook_exceptions_When_mapped_Then_each_gets_its_own_code()
    {
        Assert.Equal(ExitCode.Locked, ErrorMapping.ExitCodeFor(new StateLockedException("held")));
        Assert.Equal(ExitCode.AuthenticationFailed, ErrorMapping.ExitCodeFor(new AuthenticationFailedException("no")));
        Assert.Equal(ExitCode.Unreachable, ErrorMapping.ExitCodeFor(new ServerUnreachableException("down")));
        Assert.Equal(ExitCode.InvalidPlan, ErrorMapping.ExitCodeFor(new UsageException("bad", ExitCode.InvalidPlan)));
    }
}
