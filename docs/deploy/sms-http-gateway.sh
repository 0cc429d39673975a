#!/bin/sh
# docs/deploy/sms-http-gateway.sh — a sample sms_command for an HTTP SMS
# gateway, with curl (khidma.conf: sms_command = "/usr/local/lib/khidma/
# sms-http-gateway.sh";). khidma runs it once per message:
#
#   $1 (and $KHIDMA_SMS_TO)   the number, +9665XXXXXXXX
#   $KHIDMA_MESSAGE_ID        the message's idempotency key (unique; send it
#                             to a gateway that can drop a duplicate)
#   standard input            the text, UTF-8 (one segment: 160 GSM-7 or
#                             70 UCS-2 characters — khidma check makes sure)
#   exit 0                    the gateway took it
#   exit 65 or 67             refused for good (bad number or text): failed
#   any other exit            try again later (backoff)
#   first output line         kept as the gateway's answer (the console
#                             shows it)
#
# Adapt URL, the token file and the JSON field names to your provider.
set -u
URL=${SMS_GATEWAY_URL:-https://sms.example.com/api/v1/messages}
TOKEN_FILE=${SMS_GATEWAY_TOKEN_FILE:-/etc/khidma/sms-token}
SENDER=${SMS_GATEWAY_SENDER:-KHIDMA}

to=${1:-${KHIDMA_SMS_TO:-}}
case $to in
  +9665[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
  *) echo "not a Saudi mobile number: $to"; exit 65 ;;
esac
text=$(cat)
[ -n "$text" ] || { echo "empty text"; exit 65; }
token=$(head -n 1 "$TOKEN_FILE" 2>/dev/null) || { echo "cannot read $TOKEN_FILE"; exit 75; }

# JSON-escape the text (backslash, quote, control characters) with jq if it
# is there, else with sed for the two characters that matter.
if command -v jq >/dev/null 2>&1; then
  body=$(jq -cn --arg to "$to" --arg text "$text" --arg from "$SENDER" \
             --arg id "${KHIDMA_MESSAGE_ID:-}" \
             '{to: $to, from: $from, text: $text, client_ref: $id}')
else
  esc=$(printf '%s' "$text" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | awk 'BEGIN{ORS="\\n"} {print}' | sed 's/\\n$//')
  body=$(printf '{"to":"%s","from":"%s","text":"%s","client_ref":"%s"}' \
                "$to" "$SENDER" "$esc" "${KHIDMA_MESSAGE_ID:-}")
fi

# --fail-with-body: an HTTP error is a non-zero exit with the answer kept
answer=$(printf '%s' "$body" | curl -sS --fail-with-body --max-time 20 \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: ${KHIDMA_MESSAGE_ID:-}" --data-binary @- "$URL" 2>&1)
rc=$?
printf '%s\n' "$answer" | head -n 1
case $rc in
  0) exit 0 ;;
  22) # HTTP >= 400: 4xx (but 408/429) is the message's fault, else retry
      case $answer in
        *" 408"*|*" 429"*) exit 75 ;;
        *" 4"[0-9][0-9]*) exit 65 ;;
        *) exit 75 ;;
      esac ;;
  *) exit 75 ;;
esac
