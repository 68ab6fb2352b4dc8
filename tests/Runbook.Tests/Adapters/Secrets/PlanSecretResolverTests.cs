using Runbook.Adapters.Secrets;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Secrets;

public sealed class PlanSecretResolverTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["ALICE_OLD"] = "s3cr3t-env" };

    [Fact]
    public async Task Given_an_env_reference_When_resolved_Then_the_variable_value_is_returned()
    {
        var resolver = new PlanSecretResolver("/nowhere", Environment.GetValueOrDefault);

        Assert.Equal("s3cr3t-env", await resolver.ResolveAsync(new SecretReference { Env = "ALICE_OLD" }, CancellationToken.None));
    }

    [Fact]
    public async Task Given_a_file_reference_When_resolved_Then_the_content_without_its_final_newline_is_returned()
    {
        using var dir = new TempDir();
        dir.Write("secrets/bob", "s3cr3t-file\n");
        var resolver = new PlanSecretResolver(dir.Path, Environment.GetValueOrDefault);

        Assert.Equal("s3cr3t-file", await resolver.ResolveAsync(new SecretReference { File = "secrets/bob" }, CancellationToken.None));
    }

    [Fact]
    public async Task Given_an_unset_variable_When_resolved_Then_the_error_names_the_reference()
    {
        var resolver = new PlanSecretResolver("/nowhere", Environment.GetValueOrDefault);

        var error = await Assert.ThrowsAsync<UsageException>(() => resolver.ResolveAsync(new SecretReference { Env = "BOB_OLD" }, CancellationToken.None).AsTask());

        Assert.Contains("env:BOB_OLD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_empty_secret_file_When_resolved_Then_the_error_names_the_file_and_no_value()
    {
        using var dir = new TempDir();
        dir.Write("empty", "\n");
        var resolver = new PlanSecretResolver(dir.Path, Environment.GetValueOrDefault);

        var error = await Assert.ThrowsAsync<UsageException>(() => resolver.ResolveAsync(new SecretReference { File = "empty" }, CancellationToken.None).AsTask());

        Assert.Equal("secret file:empty is empty", error.Message);
    }

    [Fact]
    public async Task Given_a_plan_When_a_file_reference_is_resolved_through_the_step_interface_Then_it_is_read_relative_to_the_plan_folder()
    {
        using var dir = new TempDir();
        dir.Write("secrets/carol", "s3cr3t-plan\r\n");
        ISecretResolver resolver = new PlanSecretResolver(new TestPlanBuilder(dir.Path).Build());

        Assert.Equal("s3cr3t-plan", await resolver.ResolveAsync(new SecretReference { File = "secrets/carol" }, CancellationToken.None));
    }

    [Fact]
    public async Task Given_a_secret_file_that_cannot_be_read_When_resolved_Then_the_error_names_the_reference_and_no_value()
    {
        using var dir = new TempDir();
        dir.Write("folder/inside", "s3cr3t-inside");
        var resolver = new PlanSecretResolver(dir.Path, Environment.GetValueOrDefault);

        var error = await Assert.ThrowsAsync<UsageException>(() => resolver.ResolveAsync(new SecretReference { File = "folder" }, CancellationToken.None).AsTask());

        Assert.StartsWith("secret file:folder cannot be read", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }
}
