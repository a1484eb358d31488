#!/usr/bin/env python3
"""How far a server's latest restore point trails the wall clock, sampled from the daemon.

  rpo-sampler.py URL TOKEN SERVER INTERVAL_S OUT

Every INTERVAL_S reads GET URL/api/v1/servers/SERVER (one kept-alive connection) and appends
"<unix time> <lag s>" to OUT, lag = the time of the read minus the server's latestRestorePoint.
Not /metrics: its gauges are refreshed on the daemon's loop every few seconds. Under a load that commits continuously (pgbench
at full speed commits every millisecond or so) the last commit is the moment of the read, so the
lag is how far the restorable point trails the last commit, plus the read's own latency (an upper
bound). Runs until SIGTERM.
"""
import datetime
import http.client
import json
import signal
import sys
import time
import urllib.parse

stop = False


def on_term(*_):
    global stop
    stop = True


def main():
    url, token, server, interval, out = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
    signal.signal(signal.SIGTERM, on_term)
    parts = urllib.parse.urlsplit(url)
    path = "/api/v1/servers/" + urllib.parse.quote(server)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Authorization": "Bearer " + token}
    with open(out, "a", buffering=1) as f:
        next_at = time.time()
        while not stop:
            asked = time.time()
            try:
                conn.request("GET", path, headers=headers)
                latest = json.loads(conn.getresponse().read()).get("latestRestorePoint")
            except (OSError, ValueError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                latest = None
            if latest:
                at = datetime.datetime.fromisoformat(latest.replace("Z", "+00:00")).timestamp()
                f.write("%.3f %.3f\n" % (asked, asked - at))
            else:
                f.write("%.3f nan\n" % asked)
            next_at += interval
            time.sleep(max(0.0, next_at - time.time()))


if __name__ == "__main__":
    main()
