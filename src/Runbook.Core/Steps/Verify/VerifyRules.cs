using Runbook.Adapters.Dns;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Steps.Verify.Rules;

namespace Runbook.Steps.Verify;

/// <summary>
/// The rules verify runs, in this order (mail first, so the send/receive test message never shows in the comparison).
/// A new rule is one <see cref="IVerifyRule"/> added here, plus its switch in <see cref="VerifySettings"/> and the schema.
/// </summary>
internal static class VerifyRules
{
    public static IReadOnlyList<IVerifyRule> Create(IMailRoundTrip roundTrip, IDnsAdapter dns) =>
    [
        new CountsRule(),
        new EveryMessageRule(),
        new ImportantRule(),
        new SendReceiveRule(roundTrip),
        new MxRule(dns),
        new BackupsRule(),
    ];
}
