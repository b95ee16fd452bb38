#!/usr/bin/env python3
"""A real TLS client for ampd's integration tests, built on Python's ssl module.

Listens on a free loopback port for one plain TCP connection from the test, then connects to
ampd's TLS port (verifying its certificate against --ca, for the name localhost) and relays
bytes both ways, so a test drives the TLS session with its ordinary Client.

Prints, one line each: "BRIDGE <port>" once listening; after the test connects, either
"HANDSHAKE OK <version> <cipher>" or "HANDSHAKE FAILED <reason>" (and then closes the test's
connection); "CLOSED <side>" when one side closes.
"""
import argparse
import select
import socket
import ssl
import sys


def say(text):
    print(text, flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True, help="ampd's TLS port")
    parser.add_argument("--ca", required=True, help="the certificate to trust (PEM)")
    parser.add_argument("--max-version", choices=["TLSv1", "TLSv1_1", "TLSv1_2"],
                        help="offer at most this protocol version")
    args = parser.parse_args()

    context = ssl.create_default_context(cafile=args.ca)
    if args.max_version:
        # Old versions need a lower security level before OpenSSL offers them at all.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        context.maximum_version = getattr(ssl.TLSVersion, args.max_version)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    say("BRIDGE %d" % listener.getsockname()[1])
    plain, _ = listener.accept()
    listener.close()

    try:
        raw = socket.create_connection(("127.0.0.1", args.port), timeout=10)
        tls = context.wrap_socket(raw, server_hostname="localhost")
    except (ssl.SSLError, OSError) as e:
        say("HANDSHAKE FAILED %s" % e)
        plain.close()
        return 0
    say("HANDSHAKE OK %s %s" % (tls.version(), tls.cipher()[0]))
    tls.settimeout(None)

    while True:
        # Bytes OpenSSL has decrypted already are not visible to select().
        ready = [tls] if tls.pending() else select.select([plain, tls], [], [])[0]
        if tls in ready:
            try:
                data = tls.recv(65536)
            except (ssl.SSLError, OSError) as e:
                data = b""
                say("TLS ERROR %s" % e)
            if not data:
                say("CLOSED ampd")
                plain.close()
                return 0
            plain.sendall(data)
        if plain in ready:
            data = plain.recv(65536)
            if not data:
                say("CLOSED test")
                tls.close()
                return 0
            tls.sendall(data)


if __name__ == "__main__":
    sys.exit(main())
