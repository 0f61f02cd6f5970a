#!/bin/sh
# curl-loop.sh — the baseline the daemon is measured against: inotifywait
# names every file closed or moved into ROOT, and one curl per file uploads
# it to DefectDojo's reimport-scan with the form fields dojobridge sends
# (names from the layout {product_type}/{product}/{engagement}).
#
#   sh curl-loop.sh ROOT URL TOKEN_FILE SCAN_TYPE TEST_TITLE CONTENT_TYPE READY_FILE PID_FILE
#
# READY_FILE receives inotifywait's stderr ("Watches established." once it
# listens); PID_FILE its pid.  Kill that pid to stop: the loop then uploads
# what is still queued and exits, so that every curl is reaped by this shell
# and its CPU time reaches whoever waits for us (getrusage RUSAGE_CHILDREN).

root=$1 url=$2 token=$(cat "$3") scan_type=$4 test_title=$5 content_type=$6 ready=$7 pidfile=$8
fifo=$(mktemp -u "${TMPDIR:-/tmp}/curl-loop.XXXXXX")
mkfifo "$fifo" || exit 1

# A fifo rather than a pipe: the while loop then runs in this shell, not in
# a subshell that a signal could orphan.
inotifywait -m -r -e close_write,moved_to --format '%w%f' "$root" >"$fifo" 2>"$ready" &
echo $! >"$pidfile"
while IFS= read -r f; do
	rel=${f#"$root"/}
	product_type=${rel%%/*}
	rest=${rel#*/}
	product=${rest%%/*}
	rest=${rest#*/}
	engagement=${rest%%/*}
	curl -s -o /dev/null -H "Authorization: Token $token" \
		-F "scan_type=$scan_type" -F "product_type_name=$product_type" \
		-F "product_name=$product" -F "engagement_name=$engagement" \
		-F "test_title=$test_title" -F "auto_create_context=true" \
		-F "file=@$f;type=$content_type" "$url/api/v2/reimport-scan/"
done <"$fifo"
wait
rm -f "$fifo"
