#!/usr/bin/env bash
# The demo: a hosting move, mail and DNS, end to end, on the local lab (./build.sh demo).
# Three accounts on the old Courier-style server are seeded with a realistic corpus; a plan is rendered with the
# lab's ports; then the CLI runs it as a consultant would over days: validate, plan, apply (DNS check, test
# migration, TTL lowered: wait), status (the safe switch time), apply --wait for the TTL, approve, apply (MX switch,
# everyone), new mail lands on the old server, apply --wait (delta sync, propagation), status, log, re-run.
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

say "Build and start the lab (real Dovecot old/new, Postfix, BIND on 127.0.0.1)"
./build.sh build >/dev/null
lab/lab.sh up

demo="$root/.lab/demo"; rm -rf "$demo"; mkdir -p "$demo"
run=$(date +%s)
alice="alice-$run@acme.test"; bob="bob-$run@acme.test"; carol="carol-$run@acme.test"
export DEMO_PASSWORD; DEMO_PASSWORD=$(lab accounts.password)
export DEMO_TSIG_SECRET; DEMO_TSIG_SECRET=$(lab dns.tsig.secret)
auth=$(lab dns.authoritative.port); resolver=$(lab dns.resolver.port)
mx() { dig +noall +answer -p "$1" @127.0.0.1 "$2" acme.test MX | awk '{ print "    " $0 }'; }

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

sed -e "s#@OLD_IMAPS@#$(lab old.imaps.port)#" -e "s#@OLD_POP3S@#$(lab old.pop3s.port)#" \
    -e "s#@NEW_IMAP@#$(lab new.imap.port)#" -e "s#@NEW_SUBMISSION@#$(lab new.submission.port)#" \
    -e "s#@DNS_AUTH@#$auth#" -e "s#@DNS_RESOLVER@#$resolver#" -e "s#@TSIG_NAME@#$(lab dns.tsig.name)#" \
    -e "s#@CA_FILE@#$(lab ca.file)#g" -e "s#@ALICE@#$alice#g" -e "s#@BOB@#$bob#g" -e "s#@CAROL@#$carol#g" \
    demo/acme.yaml.in >"$demo/acme.yaml"
plan="$demo/acme.yaml"

say "Day 1: check the plan and see what would happen (nothing is changed)"
expect 0 validate "$plan"
expect 2 plan "$plan" --detailed-exitcode

say "Day 1: DNS check, preflight, the test migration, and the MX TTL lowered; then it waits one old TTL"
expect 3 apply "$plan"
expect 0 status "$plan"

say "Day 1: wait out the old TTL (a minute in the lab); the TTL step ends at the earliest safe switch time"
expect 0 apply "$plan" --wait --step lower-ttl

say "Day 2: the test accounts look right; approve, switch the MX in the open window, and move everyone"
expect 0 approve "$plan" migrate --by "demo consultant"
expect 3 apply "$plan"
echo "The authoritative server has the new MX; the caching resolver still serves its copy of the old one:"
mx "$auth" +norecurse; mx "$resolver" +recurse

say "Mail still arrives at the old server (a resolver remembers the old MX)"
printf 'From: late@example.test\r\nTo: %s\r\nSubject: arrived at the old server after the switch\r\nMessage-ID: <late-%s@example.test>\r\n\r\nDelta sync must bring me over.\r\n' \
  "$bob" "$run" | doveadm -c "$(lab old.doveconf)" save -u "$bob"

say "Delta sync until the deadline, then until the resolver has forgotten the old MX (--wait)"
expect 0 apply "$plan" --wait

echo "The resolver now serves the new MX:"; mx "$resolver" +recurse

say "Where things stand, and the audit journal"
expect 0 status "$plan"
runbook log "$plan" | grep -E '\[(lower-ttl|switch-mx|propagation)\] (effect: (lowered|switched|dns answer from isp)|waiting|done)'

say "Every folder, old and new (doveadm, not Runbook)"
# The old server's folders live under its "INBOX." namespace prefix, so they need their own mask.
folders() { doveadm -c "$(lab "$1".doveconf)" mailbox status -u "$2" messages "${@:3}" | sort; }
total() { awk -F'messages=' '{ n += $2 } END { printf "%d messages in %d folders", n, NR }'; }
for who in "$alice" "$bob" "$carol"; do
  old=$(folders old "$who" INBOX 'INBOX.*'); new=$(folders new "$who" '*')
  echo "$who: old $(total <<<"$old"), new $(total <<<"$new")"
  paste <(sed 's/^/    old  /' <<<"$old") <(sed 's/^/new  /' <<<"$new") | column -t -s $'\t'
done
echo "(two old Sent folders, INBOX.Sent and INBOX.送信済み, both carry the Sent role and land in the new Sent;"
echo " bob's INBOX has one more than seeded on both sides: the late message, copied by the delta sync)"

say "A re-run copies nothing"
expect 0 apply "$plan"
echo; echo "demo: done. The lab keeps running; stop it with ./build.sh lab down."
