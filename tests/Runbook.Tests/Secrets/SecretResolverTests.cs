using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Secrets;
using Runbook.Tests.Support;

namespace Runbook.Tests.Secrets;

public sealed class SecretResolverTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["ALICE_OLD"] = "s3cr3t-env" };

    [Fact]
    public async Task Given_an_env_reference_When_resolved_Then_the_variable_value_is_returned()
    {
        var resolver = new SecretResolver("/nowhere", Environment.GetValueOrDefault);

        Assert.Equal("s3cr3t-env", await resolver.ResolveAsync(new SecretReference { Env = "ALICE_OLD" }, CancellationToken.None));
    }

    [Fact]
    public async Task Given_a_file_reference_When_resolved_Then_the_content_without_its_final_newline_is_returned()
    {
        using var dir = new TempDir();
        dir.Write("secrets/bob", "s3cr3t-file\n");
        var resolver = new SecretResolver(dir.Path, Environment.GetValueOrDefault);

        Assert.Equal("s3cr3t-file", await resolver.ResolveAsync(new SecretReference { File = "secrets/bob" }, CancellationToken.None));
    }

    [Fact]
    public async Task Given_an_unset_variable_When_resolved_Then_the_error_names_the_reference()
    {
        var resolver = new SecretResolver("/nowhere", Environment.GetValueOrDefault);

        var error = await Assert.ThrowsAsync<UsageException>(() => resolver.ResolveAsync(new SecretReference { Env = "BOB_OLD" }, CancellationToken.None));

        Assert.Contains("env:BOB_OLD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_empty_secret_file_When_resolved_Then_the_error_names_the_file_and_no_value()
    {
        using var dir = new TempDir();
        dir.Write("empty", "\n");
        var resolver = new SecretResolver(dir.Path, Environment.GetValueOrDefault);

        var error = await Assert.ThrowsAsync<UsageException>(() => resolver.ResolveAsync(new SecretReference { File = "empty" }, CancellationToken.None));

        Assert.Equal("secret file:empty is empty", error.Message);
    }
}
