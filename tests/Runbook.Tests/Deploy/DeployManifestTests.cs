using Runbook.Plan;
using Runbook.Plan.Model;
using Runbook.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Runbook.Tests.Deploy;

/// <summary>deploy/: the Kubernetes manifests and the systemd unit parse, and name the same image, plan and secrets.</summary>
public sealed class DeployManifestTests
{
    private static readonly string Kubernetes = RepoPaths.Of("deploy", "kubernetes");

    [Fact]
    public void Given_the_kubernetes_manifests_Then_the_indexed_job_mounts_the_plan_and_gets_every_secret_the_plan_names()
    {
        var job = Load("job.yaml");
        var config = Load("configmap.yaml");
        var secret = Load("secret.yaml");
        var spec = Map(job, "spec");
        var pod = Map(Map(spec, "template"), "spec");
        var container = (YamlMappingNode)Seq(pod, "containers")[0];
        var args = Seq(container, "args").Select(a => ((YamlScalarNode)a).Value!).ToList();
        var mount = (YamlMappingNode)Seq(container, "volumeMounts")[0];
        var volume = (YamlMappingNode)Seq(pod, "volumes")[0];
        var planFile = args[1];

        Assert.Equal(("batch/v1", "Job", "Indexed"), (Text(job, "apiVersion"), Text(job, "kind"), Text(spec, "completionMode")));
        Assert.Equal(Text(spec, "completions"), Text(spec, "parallelism"));
        Assert.Equal(Text(spec, "completions"), Env(container)["JOB_COMPLETIONS"]);
        Assert.Equal(["apply", "--worker"], args.Where(a => a is "apply" or "--worker"));
        Assert.False(string.IsNullOrWhiteSpace(Text(container, "image")));
        Assert.StartsWith(Text(mount, "mountPath") + "/", planFile, StringComparison.Ordinal);
        Assert.Equal(Text(mount, "name"), Text(volume, "name"));
        Assert.Equal(Text(Map(config, "metadata"), "name"), Text(Map(volume, "configMap"), "name"));
        var secretName = Text(Map((YamlMappingNode)Seq(container, "envFrom")[0], "secretRef"), "name");
        Assert.Equal(Text(Map(secret, "metadata"), "name"), secretName);

        var plan = LoadPlan(Text(Map(config, "data"), Path.GetFileName(planFile)));
        var provided = Map(secret, "stringData").Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(StateBackendKind.Postgres, plan.State.Backend);
        Assert.Equal(NamedEnv(plan).Order(StringComparer.Ordinal), provided.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Given_the_systemd_template_Then_it_runs_a_worker_of_a_plan_with_its_secrets_from_an_environment_file()
    {
        var unit = File.ReadAllLines(RepoPaths.Of("deploy", "systemd", "runbook-worker@.service"));
        var keys = unit.Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var example = File.ReadAllLines(RepoPaths.Of("deploy", "systemd", "runbook.env.example")).Select(l => l.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        var config = Load("configmap.yaml");
        var plan = LoadPlan(Text(Map(config, "data"), "acme.yaml"));

        Assert.Contains("[Service]", unit);
        Assert.StartsWith("/usr/local/bin/runbook apply /etc/runbook/acme.yaml --worker", keys["ExecStart"], StringComparison.Ordinal);
        Assert.Equal("/etc/runbook/runbook.env", keys["EnvironmentFile"]);
        Assert.Equal("3", keys["SuccessExitStatus"]);
        Assert.Equal(NamedEnv(plan).Order(StringComparer.Ordinal), example.Order(StringComparer.Ordinal));
    }

    /// <summary>Every environment variable the plan reads a secret from (the state's connection and the passwords).</summary>
    private static IEnumerable<string> NamedEnv(RunbookPlan plan) =>
        plan.Accounts.SelectMany(a => new[] { a.Old.Password.Env, a.New.Password.Env }).Append(plan.State.Connection?.Env).OfType<string>().Distinct();

    private static RunbookPlan LoadPlan(string yaml)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "acme.yaml");
        File.WriteAllText(path, yaml);
        var result = new PlanLoader().Load(path);
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        return result.Plan!;
    }

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Kubernetes, file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static YamlSequenceNode Seq(YamlMappingNode node, string key) => (YamlSequenceNode)node[key];

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static Dictionary<string, string> Env(YamlMappingNode container) =>
        Seq(container, "env").Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"), e => Text(e, "value"));
}
