#!/usr/bin/env bash
# mail-preview.sh MAILPIT BRIEF SRC: send the latest briefing of SRC to a
# local Mailpit and print the address of that message's own view
# (/view/<ID>.html, which a Mailpit built by go install serves even without
# its web interface). A Mailpit already answering on the addresses is used
# and left alone; one started here runs until Enter or Ctrl-C, then is
# stopped by its PID.
#
# MAILPIT_SMTP and MAILPIT_HTTP change the addresses (127.0.0.1:1025 and
# 127.0.0.1:8025).
set -euo pipefail

mailpit=$1 brief=$2 src=$3
smtp=${MAILPIT_SMTP:-127.0.0.1:1025}
web=${MAILPIT_HTTP:-127.0.0.1:8025}
api=http://$web/api/v1

tmp=$(mktemp -d)
pid=
stop() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		echo "stopped Mailpit (PID $pid)"
		pid=
	fi
	rm -rf "$tmp"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if curl -fsS -o /dev/null "$api/messages" 2>/dev/null; then
	echo "using the Mailpit already running at http://$web/ (left running)"
else
	"$mailpit" --smtp "$smtp" --listen "$web" --database "$tmp/mail.db" --disable-version-check >"$tmp/mailpit.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "$api/messages" 2>/dev/null && break
		if ! kill -0 "$pid" 2>/dev/null; then
			pid=
			echo "Mailpit did not start on $smtp and $web:" >&2
			cat "$tmp/mailpit.log" >&2
			exit 1
		fi
		sleep 0.1
	done
	echo "started Mailpit (PID $pid) on $smtp (SMTP) and $web (web)"
fi

# The copy (--eml) gives the Message-ID; its "wrote" line is left out.
BRIEF_SMTP_URL=smtp://$smtp "$brief" mail --src "$src" --send --eml "$tmp/sent.eml" | { grep -v '^wrote ' || true; }

# The message's own ID in Mailpit, found by its Message-ID.
mid=$(sed -n 's/^[Mm]essage-[Ii][Dd]: *<\([^>]*\)>.*/\1/p' "$tmp/sent.eml" | head -n 1)
id=
for _ in $(seq 50); do
	id=$(curl -fsS --get --data-urlencode "query=message-id:$mid" "$api/search" |
		grep -o '"ID":"[^"]*"' | head -n 1 | cut -d '"' -f 4) || true
	[ -n "$id" ] && break
	sleep 0.1
done
if [ -z "$id" ]; then
	echo "Mailpit has no message with Message-ID <$mid>" >&2
	exit 1
fi

echo "open http://$web/view/$id.html to read it as a mail client shows it"
if [ -n "$pid" ]; then
	echo "press Enter (or Ctrl-C) to stop Mailpit"
	read -r _ || true
fi
