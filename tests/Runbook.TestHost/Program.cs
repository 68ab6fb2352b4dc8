using Runbook.Cli;
using Runbook.Cli.Commands;
using Runbook.TestHost;

// `runbook` with the production kinds plus test.effect. Environment:
//   RUNBOOK_TEST_EFFECTS  the effects database (the "destination" the test kind writes to)
//   RUNBOOK_TEST_KILL_AT  N: at the N-th kill point of this process, write RUNBOOK_TEST_MARKER and block until killed
//   RUNBOOK_TEST_BLOCK    "cancellable": block there until Ctrl+C/SIGTERM instead (then the step sees cancellation)
using var interrupts = new Interrupts(Console.Error);
var points = KillPoints.FromEnvironment();
var effects = new EffectStore(Environment.GetEnvironmentVariable("RUNBOOK_TEST_EFFECTS") ?? "effects.db");
var engine = EngineCli.Production(TimeProvider.System);
engine = engine with { Kinds = engine.Kinds.Add(new EffectStepKind(effects, points)) };
// The real mail steps, with kill points around every APPEND batch (inactive unless RUNBOOK_TEST_KILL_AT is set).
foreach (var kind in Runbook.Steps.MailStepKinds.Create(new KillingMailConnector(new KillingSourceConnector(new Runbook.Adapters.Mail.MailConnector(), points), points)))
{
    engine.Kinds.Add(kind);
}

// The real DNS steps, with kill points around every update.
foreach (var kind in Runbook.Steps.Dns.DnsStepKinds.Create(new KillingDnsAdapter(new Runbook.Adapters.Dns.DnsAdapter(TimeProvider.System), points)))
{
    engine.Kinds.Add(kind);
}

return await RunbookApp.RunAsync(args, engine, CliConsole.System(), interrupts.Token);
