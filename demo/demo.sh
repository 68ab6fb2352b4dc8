#!/usr/bin/env bash
# The demo: a hosting move, mail and DNS, end to end, on the local lab (./build.sh demo), with the CLI only.
# Three accounts on the old Courier-style server are seeded with a realistic corpus; a plan is rendered with the
# lab's ports; then the CLI runs it as a consultant would over days: validate, plan, apply (DNS check, preflight,
# backup to two targets, test migration and its verify, announcement, TTL lowered: wait), the wait, approve the
# switch, apply (MX switch, everyone, first delta pass), a supplier's mail delivered to the OLD MX through the stale
# resolver, apply --wait the delta sync (it catches the mail) and the propagation, apply (final backup, verify, client
# settings, report), approve decommission, apply, runbook report. It ends by printing where the HTML report is.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
py=$(command -v /usr/bin/python3 || command -v python3)
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
runbook() { echo "\$ runbook $*" >&2; "$root/src/Runbook.Cli/bin/Release/net10.0/runbook" "$@"; }
# Runs runbook and accepts the exit codes the story expects (3 = stopped at a wait, which is not an error here).
expect() { local want=$1; shift; local rc=0; runbook "$@" || rc=$?; [ "$rc" = "$want" ] || { echo "demo: expected exit $want, got $rc" >&2; exit 1; }; }
lab() { "$py" -c "import json,sys; d=json.load(open('$root/.lab/lab.json'))
for k in sys.argv[1].split('.'): d=d[k]
print(d)" "$1"; }

say "Build and start the lab (real Dovecot old/new, Postfix for each, BIND on 127.0.0.1)"
./build.sh build >/dev/null
lab/lab.sh up

demo="$root/.lab/demo"; rm -rf "$demo"; mkdir -p "$demo"
run=$(date +%s)
alice="alice-$run@acme.test"; bob="bob-$run@acme.test"; carol="carol-$run@acme.test"; it="it-$run@acme.test"
export DEMO_PASSWORD; DEMO_PASSWORD=$(lab accounts.password)
export DEMO_TSIG_SECRET; DEMO_TSIG_SECRET=$(lab dns.tsig.secret)
auth=$(lab dns.authoritative.port); resolver=$(lab dns.resolver.port)
mx() { dig +noall +answer -p "$1" @127.0.0.1 "$2" acme.test MX | awk '{ print "    " $0 }'; }
old() { doveadm -c "$(lab old.doveconf)" "$@"; }
new() { doveadm -c "$(lab new.doveconf)" "$@"; }
# Subjects in a mailbox on the new server, decoded (doveadm gives the raw RFC 2047 header).
subjects() { new fetch -u "$1" hdr.subject mailbox INBOX | "$py" -c "import sys, email.header as h
for l in sys.stdin:
    l = l.strip()
    if l.lower().startswith('hdr.subject:'): print('    ' + str(h.make_header(h.decode_header(l.split(':', 1)[1].strip()))))"; }

say "The zone as the old host left it: MX mail.old.acme.test, TTL 60 s (a previous demo run is undone)"
# nsupdate is the demo's own tool here, not Runbook's: it puts back what a fresh lab serves.
nsupdate -y "hmac-sha256:$(lab dns.tsig.name):$DEMO_TSIG_SECRET" <<NSUPDATE
server 127.0.0.1 $auth
zone acme.test
update delete acme.test MX
update add acme.test 60 MX 10 mail.old.acme.test.
update delete mail.old.acme.test A
update add mail.old.acme.test 300 A 127.0.0.1
send
NSUPDATE
mx "$auth" +norecurse

say "Seed the old server: folders (incl. Japanese), flags, keywords, odd messages, old dates"
dotnet "$root/tests/Runbook.Lab/bin/Release/net10.0/Runbook.Lab.dll" seed --profile small \
  --account "$alice" --account "$bob" --account "$carol" --manifest "$demo/manifest.json"

# The cutover window opens an hour before now and closes three hours after, in the plan's zone.
window() { TZ=Asia/Tokyo date -d "$1" +%H:%M; }
sed -e "s#@OLD_IMAPS@#$(lab old.imaps.port)#" -e "s#@OLD_POP3S@#$(lab old.pop3s.port)#" \
    -e "s#@NEW_IMAP@#$(lab new.imap.port)#" -e "s#@NEW_SUBMISSION@#$(lab new.submission.port)#" \
    -e "s#@DNS_AUTH@#$auth#" -e "s#@DNS_RESOLVER@#$resolver#" -e "s#@TSIG_NAME@#$(lab dns.tsig.name)#" \
    -e "s#@CA_FILE@#$(lab ca.file)#g" -e "s#@ALICE@#$alice#g" -e "s#@BOB@#$bob#g" -e "s#@CAROL@#$carol#g" \
    -e "s#@IT@#$it#g" -e "s#@WINDOW_FROM@#$(window '-1 hour')#" -e "s#@WINDOW_TO@#$(window '+3 hours')#" \
    demo/acme.yaml.in >"$demo/acme.yaml"
plan="$demo/acme.yaml"

say "Day 1: check the plan and see what would happen (nothing is changed)"
expect 0 validate "$plan"
expect 2 plan "$plan" --detailed-exitcode

say "Day 1: DNS check, preflight, backup (two targets, verified), test migration and its verify, announcement,
   the MX TTL lowered; then it waits one old TTL"
expect 3 apply "$plan"
echo "The stakeholders' mailbox ($it) on the new server:"; subjects "$it"

say "Day 1: wait out the old TTL (a minute in the lab); the TTL step ends at the earliest safe switch time"
expect 0 apply "$plan" --wait --step lower-ttl

. demo/late-mail.sh
say "Day 2: the switch waits for a person; the consultant is mailed, looks at the test group, approves"
expect 3 apply "$plan"
echo "The consultant's mailbox:"; subjects "$it"
expect 0 approve "$plan" switch-mx --by "demo consultant"
expect 3 apply "$plan"
echo "The authoritative server has the new MX; the caching resolver still serves its copy of the old one:"
mx "$auth" +norecurse; mx "$resolver" +recurse

say "A supplier's mail server asks the stale resolver for the MX and delivers the invoice to the OLD server"
send_invoice

say "Delta sync until its deadline (20 s here), then until the resolver has forgotten the old MX (--wait)"
expect 0 apply "$plan" --wait --step delta-sync
expect 0 apply "$plan" --wait --step propagation
echo "The resolver now serves the new MX:"; mx "$resolver" +recurse

say "Final backup, verify (every account), client settings, report; the decommission gate waits for the customer"
expect 3 apply "$plan"
echo "Bob's INBOX on the new server ends with the invoice and his client settings:"; subjects "$bob" | tail -n 2

say "Day 3: the customer reads the report and approves the decommission gate"
expect 0 approve "$plan" decommission --by "acme IT"
expect 0 apply "$plan"
expect 0 report "$plan"

say "Where things stand"
expect 0 status "$plan"
echo
echo "demo: done. The report: $demo/report/acme.html (also .md and .json beside it)"
echo "The lab keeps running; stop it with ./build.sh lab down."
