"""Frames between the server and its query workers: a 4-byte length, then JSON or raw bytes.

JSON, never pickle, from a worker to the server: a worker evaluates untrusted queries, and what it sends back
must not be able to run code in the server even if the worker were subverted.
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

_LENGTH = struct.Struct("!I")
MAX_FRAME = 1 << 31


def send_frame(sock: socket.socket, payload: bytes) -> None:
    """Send one frame (length, then the bytes)."""
    sock.sendall(_LENGTH.pack(len(payload)) + payload if len(payload) < 65536 else _LENGTH.pack(len(payload)))
    if len(payload) >= 65536:
        sock.sendall(payload)


def send_json(sock: socket.socket, value: Any) -> None:
    """Send one JSON frame."""
    send_frame(sock, json.dumps(value, separators=(",", ":")).encode())


def _read_exactly(sock: socket.socket, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket) -> bytes | None:
    """Read one frame; ``None`` when the peer has closed the connection (or died).

    Raises:
        ConnectionError: the frame announces more than ``MAX_FRAME`` bytes.
    """
    head = _read_exactly(sock, _LENGTH.size)
    if head is None:
        return None
    (size,) = _LENGTH.unpack(head)
    if size > MAX_FRAME:
        msg = f"a frame of {size} bytes is over the limit of {MAX_FRAME}"
        raise ConnectionError(msg)
    return _read_exactly(sock, size) if size else b""


def recv_json(sock: socket.socket) -> Any:
    """Read one JSON frame; ``None`` when the peer has gone."""
    frame = recv_frame(sock)
    return None if frame is None else json.loads(frame)


__all__ = ["recv_frame", "recv_json", "send_frame", "send_json"]
