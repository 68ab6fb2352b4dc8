using Runbook.Plan;
using Runbook.Tests.Support;

namespace Runbook.Tests.Plan;

public sealed class ExamplePlansTests
{
    /// <summary>Every plan under plans/ except templates/, which are partial and validated through the plans importing them.</summary>
    public static TheoryData<string> Plans() => new(PlanFiles());

    private static List<string> PlanFiles() =>
        Directory.GetFiles(RepoPaths.Of("plans"), "*.yaml", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}templates{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(RepoPaths.Root, p))
            .Order()
            .ToList();

    [Theory]
    [MemberData(nameof(Plans))]
    public void Given_an_example_plan_When_loaded_Then_it_is_valid_without_warnings(string relativePath)
    {
        var result = new PlanLoader().Load(RepoPaths.Of(relativePath));

        Assert.Empty(result.Diagnostics);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Given_the_examples_Then_there_are_at_least_three_and_one_imports_the_template()
    {
        var files = PlanFiles();

        Assert.True(files.Count >= 3);
        Assert.Contains(files, file => File.ReadAllText(RepoPaths.Of(file)).Contains("templates/hosting-move.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_the_customer_plan_When_loaded_Then_template_values_are_merged_and_overridden()
    {
        var plan = new PlanLoader().Load(RepoPaths.Of("plans", "customer-acme.yaml")).Plan!;

        Assert.Equal("Asia/Tokyo", plan.Timezone);                       // the customer's value wins
        Assert.Equal("acme.test", plan.Dns!.Zone);                       // merged into the template's dns:
        Assert.Equal("mx.newhost.test", plan.Dns.NewMx.Single().Host);  // kept from the template
        Assert.Equal([DayOfWeek.Saturday], plan.Windows["cutover"].Days);
        Assert.Equal(new TimeOnly(20, 0), plan.Windows["cutover"].From);
        Assert.Equal(9, plan.Steps.Count);
        Assert.Equal(4, plan.Accounts.Count);                            // 1 inline + 3 from the CSV
    }
}
