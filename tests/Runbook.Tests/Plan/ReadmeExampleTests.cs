using Runbook.Plan;
using Runbook.Tests.Support;

namespace Runbook.Tests.Plan;

/// <summary>The README's annotated example is documentation people copy: it must stay a valid plan.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Given_the_readme_When_its_annotated_example_is_validated_Then_it_is_valid_without_warnings()
    {
        var readme = File.ReadAllText(RepoPaths.Of("README.md"));
        var start = readme.IndexOf("```yaml\n", readme.IndexOf("## The plan language", StringComparison.Ordinal), StringComparison.Ordinal) + "```yaml\n".Length;
        var example = readme[start..readme.IndexOf("```\n", start, StringComparison.Ordinal)];
        using var dir = new TempDir();
        dir.Write("accounts.csv", "email,old_user,old_password,new_user,new_password,groups\ncarol@acme.test,carol,env:CAROL_OLD,carol@acme.test,env:CAROL_NEW,sales\n");

        var result = new PlanLoader().Load(dir.Write("plan.yaml", example));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(14, result.Plan!.Steps.Count);
        Assert.Equal(2, result.Plan.Accounts.Count);
    }
}
