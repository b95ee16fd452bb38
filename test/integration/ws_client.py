#!/usr/bin/env python3
"""A WebSocket client on Python's standard library only (RFC 6455), for ampd's integration tests.

Connects to ampd's ws (or, with --ca, wss) listener, checks the handshake, logs in, sends each
--send message as one text message and prints every message it receives as one line
"MSG <json-escaped text>" until --expect messages have arrived; then a ping and the close
handshake. Prints "DONE" and exits 0 when everything happened as RFC 6455 says, 1 otherwise.
"""
import argparse
import base64
import hashlib
import json
import os
import socket
import ssl
import struct
import sys

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def fail(why):
    print("FAIL " + why, flush=True)
    sys.exit(1)


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            fail("connection closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def send_frame(sock, opcode, payload):
    mask = os.urandom(4)
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def read_frame(sock):
    b0, b1 = recv_exact(sock, 2)
    if b1 & 0x80:
        fail("the server masked a frame")
    if b0 & 0x70:
        fail("reserved bits set by the server")
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", recv_exact(sock, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", recv_exact(sock, 8))[0]
    return b0 & 0x80, b0 & 0x0F, recv_exact(sock, n)


def read_message(sock):
    """One whole text message (reassembling fragments); control frames are checked on the way."""
    parts = []
    while True:
        fin, opcode, payload = read_frame(sock)
        if opcode == 8:
            fail("closed by the server: %r" % payload)
        if opcode in (9, 10):
            continue
        if opcode not in (0, 1):
            fail("unexpected opcode %d" % opcode)
        parts.append(payload)
        if fin:
            return b"".join(parts).decode("utf-8")  # raises on invalid UTF-8


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca", help="verify a wss listener against this certificate")
    p.add_argument("--user", default="mon")
    p.add_argument("--secret", default="secret")
    p.add_argument("--format", default="native")
    p.add_argument("--send", action="append", default=[])
    p.add_argument("--expect", type=int, default=0, help="messages to read after the sends")
    args = p.parse_args()

    sock = socket.create_connection(("127.0.0.1", args.port), timeout=10)
    if args.ca:
        ctx = ssl.create_default_context(cafile=args.ca)
        sock = ctx.wrap_socket(sock, server_hostname="localhost")
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                  "Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:%d\r\n\r\n"
                  % (args.port, key, args.port)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            fail("closed during the handshake: %r" % head)
        head += chunk
    lines = head.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/1.1 101"):
        fail("handshake refused: " + lines[0])
    headers = {k.strip().lower(): v.strip() for k, v in
               (line.split(":", 1) for line in lines[1:] if ":" in line)}
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    if headers.get("sec-websocket-accept") != accept:
        fail("wrong Sec-WebSocket-Accept")
    print("HANDSHAKE OK", flush=True)

    send_frame(sock, 1, ("Action: Login\r\nUsername: %s\r\nSecret: %s\r\nFormat: %s\r\n"
                         % (args.user, args.secret, args.format)).encode())
    print("MSG " + json.dumps(read_message(sock)), flush=True)
    for text in args.send:
        send_frame(sock, 1, text.encode())
    for _ in range(args.expect):
        print("MSG " + json.dumps(read_message(sock)), flush=True)

    send_frame(sock, 9, b"ping?")
    while True:
        _, opcode, payload = read_frame(sock)
        if opcode == 10:
            if payload != b"ping?":
                fail("pong with another payload: %r" % payload)
            break
    send_frame(sock, 8, struct.pack("!H", 1000) + b"done")
    while True:
        _, opcode, payload = read_frame(sock)
        if opcode == 8:
            code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            if code != 1000:
                fail("close answered with %d" % code)
            break
    if sock.recv(1) != b"":
        fail("the server did not close the connection after the close handshake")
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
