using Runbook.Errors;

namespace Runbook.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Given_exit_codes_Then_they_match_the_documented_numbers()
    {
        Assert.Equal(65, (int)ExitCode.InvalidPlan);
        Assert.Equal(130, (int)ExitCode.Cancelled);
    }
}
