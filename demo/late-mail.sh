# Sourced by demo/demo.sh: mail from the outside world after the MX switch, delivered the way a real sending
# server does it: MX lookup through its own (caching) resolver, A lookup, SMTP to that host. While the resolver
# still remembers the old MX, the invoice lands on the OLD server, where only the delta sync will find it.
invoice_id="<invoice-2026-117-$run@supplier.example>"

send_invoice() {
  local host ip port count=0
  host=$(dig +short -p "$resolver" @127.0.0.1 acme.test MX | sort -n | awk 'NR == 1 { print $2 }')
  ip=$(dig +short -p "$resolver" @127.0.0.1 "$host" A | head -n 1)
  # Both MX hosts of the lab are 127.0.0.1: each Postfix listens on a port of its own where a real MX listens on 25.
  case "$host" in
    mail.old.acme.test.) port=$(lab old.smtp.port) ;;
    mail.new.acme.test.) port=$(lab new.smtp.port) ;;
    *) echo "demo: the resolver answers MX '$host'" >&2; exit 1 ;;
  esac
  echo "    resolver isp: acme.test MX → $host ($ip); SMTP to $ip:$port"
  [ "$host" = mail.old.acme.test. ] || { echo "demo: the resolver already forgot the old MX (a slow machine?); the story needs it" >&2; exit 1; }
  "$py" - "$ip" "$port" "$bob" "$invoice_id" <<'PY'
import smtplib, sys
from email.message import EmailMessage
from email.utils import formatdate
ip, port, to, message_id = sys.argv[1:]
m = EmailMessage()
m["From"] = "Supplier Billing <billing@supplier.example>"
m["To"] = to
m["Subject"] = "Invoice 2026-117 for acme.test"
m["Date"] = formatdate(localtime=True)
m["Message-ID"] = message_id
m.set_content("Please find our invoice 2026-117 attached in spirit.\n")
with smtplib.SMTP(ip, int(port), timeout=30) as smtp:
    refused = smtp.send_message(m)
print(f"    {smtp.ehlo_resp.decode().splitlines()[0]} accepted {m['Message-ID']} for {to}" if not refused else f"    refused: {refused}")
PY
  # Delivery is asynchronous (Postfix queue, then LMTP into the old Dovecot): wait until the old server has it.
  until old search -u "$bob" mailbox INBOX header Message-ID "$invoice_id" | grep -q .; do
    count=$((count + 1)); [ "$count" -le 100 ] || { echo "demo: the invoice never reached the old server" >&2; exit 1; }
    sleep 0.1
  done
  echo "    the old server has it: $(old mailbox status -u "$bob" messages INBOX) in $bob's old INBOX"
}
