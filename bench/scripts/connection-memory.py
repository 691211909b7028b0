#!/usr/bin/python3
"""Resident memory of a broker process with N idle AMQP connections, each with one open channel.

usage: connection-memory.py PID PORT [N]
Opens N connections (pika, guest/guest on 127.0.0.1:PORT), each with one channel, and prints the
broker's VmRSS before and after, and per connection. Needs python3-pika (Debian package).
"""
import sys
import time

import pika


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main():
    pid, port = int(sys.argv[1]), int(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    params = pika.ConnectionParameters("127.0.0.1", port, heartbeat=0,
                                       credentials=pika.PlainCredentials("guest", "guest"))
    time.sleep(2)
    before = rss_kib(pid)
    conns = []
    for _ in range(n):
        for attempt in range(5):
            try:
                c = pika.BlockingConnection(params)
                break
            except Exception:  # pika raises several unrelated types for a handshake timeout
                # a busy broker may miss pika's handshake timeout; try that connection again
                time.sleep(1)
        else:
            raise SystemExit("could not open connection")
        c.channel()
        conns.append(c)
    time.sleep(5)
    for c in conns:
        c.process_data_events(0)
    after = rss_kib(pid)
    print(f"connections={n} rss_before={before/1024:.1f}MiB rss_after={after/1024:.1f}MiB "
          f"delta={(after-before)/1024:.1f}MiB per_connection={(after-before)/n:.1f}KiB")
    for c in conns:
        c.close()


if __name__ == "__main__":
    main()
