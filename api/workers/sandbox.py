"""What a query worker may do: no network (a network namespace and a seccomp filter), bounded memory.

Both network barriers are applied in the worker right after it is forked, before it opens the store or reads a
query. The network namespace leaves the worker with no interface but a down loopback; the seccomp filter makes
``socket``, ``socketpair``, ``connect`` and ``io_uring_setup`` fail with EPERM whatever the namespace, so even
a bug in the SPARQL guard that lets ``SERVICE`` or ``LOAD`` reach Oxigraph opens nothing. The worker talks to
the server only over the socket it inherited, which is already connected.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import resource
import struct
from dataclasses import dataclass
from pathlib import Path

# Linux constants (linux/sched.h, linux/prctl.h, linux/seccomp.h, linux/filter.h, linux/audit.h).
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_KILL_PROCESS = 0x80000000
BPF_LD_W_ABS = 0x20
BPF_JMP_JEQ_K = 0x15
BPF_JMP_JGE_K = 0x35
BPF_RET_K = 0x06
X32_SYSCALL_BIT = 0x40000000

# Per architecture: the audit arch value and the numbers of socket, socketpair, connect, io_uring_setup.
_ARCHES: dict[str, tuple[int, tuple[int, ...]]] = {
    "x86_64": (0xC000003E, (41, 53, 42, 425)),
    "aarch64": (0xC00000B7, (198, 199, 203, 425)),
}


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [
        ("len", ctypes.c_ushort),
        ("filter", ctypes.POINTER(_SockFilter)),
    ]


@dataclass(frozen=True)
class Confinement:
    """Which barriers a worker runs behind (reported by ``/health``)."""

    network_namespace: bool
    seccomp: bool
    memory_limit: int | None  # bytes of address space the worker may add to what it inherited
    oom_first: bool = False  # the kernel's OOM killer takes this worker before any other process


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def unshare_network() -> bool:
    """Move this (single-threaded) process into a new, empty network namespace; False where not allowed."""
    libc = _libc()
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWUSER | CLONE_NEWNET
    if libc.unshare(ctypes.c_int(flags)) == 0:
        return True
    again: int = libc.unshare(ctypes.c_int(CLONE_NEWUSER | CLONE_NEWNET))
    return again == 0


def seccomp_program() -> bytes:
    """The BPF program of the filter, as the kernel reads it (for tests and for ``deny_sockets``).

    Raises:
        OSError: the machine's architecture is not one the filter knows.
    """
    arch = platform.machine()
    if arch not in _ARCHES:
        raise OSError(errno.ENOSYS, f"no seccomp filter for the {arch} architecture")
    audit_arch, denied = _ARCHES[arch]
    deny = SECCOMP_RET_ERRNO | errno.EPERM
    steps: list[tuple[int, int, int, int]] = [
        (BPF_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (BPF_JMP_JEQ_K, 1, 0, audit_arch),
        (BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),  # another ABI (e.g. 32-bit calls): no way around
        (BPF_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    checks: list[tuple[int, int]] = [(BPF_JMP_JGE_K, X32_SYSCALL_BIT)] if arch == "x86_64" else []
    checks += [(BPF_JMP_JEQ_K, nr) for nr in denied]
    for i, (code, k) in enumerate(checks):
        to_deny = len(checks) - i  # past the remaining checks and the ALLOW
        steps.append((code, to_deny, 0, k))
    steps += [(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW), (BPF_RET_K, 0, 0, deny)]
    return b"".join(struct.pack("=HBBI", *s) for s in steps)


def deny_sockets() -> bool:
    """Install the seccomp filter: no new socket, no connect, from now on, here and in any child."""
    try:
        program = seccomp_program()
    except OSError:
        return False
    count = len(program) // 8
    filters = (_SockFilter * count).from_buffer_copy(program)
    prog = _SockFprog(count, ctypes.cast(filters, ctypes.POINTER(_SockFilter)))
    libc = _libc()
    ulong = ctypes.c_ulong
    if libc.prctl(PR_SET_NO_NEW_PRIVS, ulong(1), ulong(0), ulong(0), ulong(0)) != 0:
        return False
    done: int = libc.prctl(PR_SET_SECCOMP, ulong(SECCOMP_MODE_FILTER), ctypes.byref(prog), ulong(0), ulong(0))
    return done == 0


def data_size() -> int:
    """Bytes of private writable memory this process maps now (VmData: heap, anonymous mappings, stacks)."""
    with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123 - a pseudo-file
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def limit_memory(allowance: int) -> int:
    """Let this process allocate at most ``allowance`` bytes beyond what it holds now (the shared copy).

    RLIMIT_DATA rather than RLIMIT_AS: address space also counts the reservations that malloc arenas and
    RocksDB's threads make without using them, so a limit on it fails thread creation long before memory runs
    short; RLIMIT_DATA counts what can actually be written.

    Returns:
        The limit set, in bytes.
    """
    limit = data_size() + allowance
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    return limit


def confine(*, memory_allowance: int | None) -> Confinement:
    """Apply every barrier to this freshly forked, single-threaded worker; report which took hold."""
    netns = unshare_network()
    if memory_allowance is not None:
        limit_memory(memory_allowance)
    return Confinement(
        network_namespace=netns,
        seccomp=deny_sockets(),
        memory_limit=memory_allowance,
        oom_first=go_first_when_memory_runs_out(),
    )


def go_first_when_memory_runs_out() -> bool:
    """Make this process the kernel's first choice when the machine runs out of memory (oom_score_adj 1000).

    A worker copies the pages of the shared store it reads (Oxigraph's memory store writes as it reads), and
    no limit of its own bounds that. Without this the OOM killer takes the process with most memory, which
    may be the zygote holding the copy (a reload of minutes) or the server. Any process may raise its own.
    """
    try:
        Path("/proc/self/oom_score_adj").write_text("1000", encoding="ascii")
    except OSError:
        return False
    return True


__all__ = [
    "Confinement",
    "confine",
    "data_size",
    "deny_sockets",
    "go_first_when_memory_runs_out",
    "limit_memory",
    "seccomp_program",
    "unshare_network",
]
