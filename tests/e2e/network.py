"""Test hosts on their own network, for browser tests that cut a participant's link.

An IsolatedHost is a Linux network namespace joined to this machine by a veth pair:

    root namespace  cvh<pid>-<n>  10.231.<n>.1/30  <--veth-->  10.231.<n>.2/30  cvp<pid>-<n>  netns cvs-<pid>-<n>

A program started inside the namespace (a Chromium, through `browser_executable()`)
reaches this machine's servers only through that veth, at the host side's address
(`host.gateway`), so `cut()` can take the link away with iptables and `restore()` give it
back, while every other browser of the test keeps its network. tc netem is not available on
these machines; iptables is (the nf_tables backend of Debian's iptables works here, the
legacy one too: `iptables_command()` takes the first that answers).

Nothing here routes beyond this machine: the root namespace does not forward
(net.ipv4.ip_forward stays as it is, 0 here), and IPv6 is switched off on both ends of the
veth so that the IPv4 rules are the whole story.

Every name carries the test run's pid, so several runs on one machine (SQLite and
PostgreSQL passes, other people's runs) do not meet; the /30 is chosen under a lock file
among the ones no interface holds. Whatever a run killed before its clean-up left behind
(its pid is gone) is swept away by the next run that creates a host.
"""

from __future__ import annotations

import fcntl
import ipaddress
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = os.environ.get("COURTVCS_CHROMIUM", "/usr/bin/chromium")
PREFIX = "10.231"
LOCK_FILE = Path("/run/lock/courtvcs-e2e-netns.lock")
# Marks every iptables rule of ours, so a sweep never touches anyone else's.
COMMENT = "courtvcs-e2e"
_NAME = re.compile(r"^cvs-(\d+)-(\d+)$")
_CHAIN = re.compile(r"^CVS-(\d+)-(\d+)$")
_counter = 0


class NetworkSetupError(RuntimeError):
    pass


# iproute2 and iptables live in /usr/sbin, which a non-login shell may leave out of PATH.
_SEARCH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/bin", "/bin"])


def _tool(name: str) -> str | None:
    return shutil.which(name, path=_SEARCH)


def _run(*cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    argv = [_tool(cmd[0]) or cmd[0], *cmd[1:]]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except FileNotFoundError as exc:
        raise NetworkSetupError(f"{cmd[0]} is not installed") from exc
    if check and proc.returncode != 0:
        raise NetworkSetupError(f"{' '.join(cmd)} failed ({proc.returncode}): "
                                f"{proc.stderr.strip() or proc.stdout.strip()}")
    return proc


_IPTABLES: str | None = None


def iptables_command() -> str:
    """The iptables that works on this kernel: Debian's default (nf_tables), else legacy."""
    global _IPTABLES
    if _IPTABLES is None:
        errors = []
        for name in ("iptables", "iptables-nft", "iptables-legacy"):
            path = _tool(name)
            if not path:
                continue
            proc = _run(path, "-w", "-S", "INPUT", check=False)
            if proc.returncode == 0:
                _IPTABLES = path
                break
            errors.append(f"{name}: {proc.stderr.strip()}")
        else:
            raise NetworkSetupError("no working iptables (apt-get install iptables); "
                                    + "; ".join(errors))
    return _IPTABLES


def can_isolate() -> tuple[bool, str]:
    """Whether this machine lets a test make IsolatedHosts, and if not, why."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False, "isolated browser hosts need root (network namespaces, veth, iptables)"
    if not _tool("ip"):
        return False, "isolated browser hosts need `ip` (apt-get install iproute2)"
    proc = _run("ip", "netns", "list", check=False)
    if proc.returncode != 0:
        return False, f"`ip netns` does not work here: {proc.stderr.strip()}"
    try:
        iptables_command()
    except NetworkSetupError as exc:
        return False, str(exc)
    return True, ""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _rules_jumping_to(iptables: str, chain: str) -> list[list[str]]:
    rules = []
    for line in _run(iptables, "-w", "-S", check=False).stdout.splitlines():
        words = shlex.split(line)  # the comments are quoted
        if words[:1] == ["-A"] and any(words[i:i + 2] == ["-j", chain] for i in range(len(words))):
            rules.append(words[1:])
    return rules


def _drop_chain(iptables: str, chain: str) -> None:
    for rule in _rules_jumping_to(iptables, chain):
        _run(iptables, "-w", "-D", *rule, check=False)
    _run(iptables, "-w", "-F", chain, check=False)
    _run(iptables, "-w", "-X", chain, check=False)


def sweep_leftovers() -> None:
    """Remove the namespaces and rules of earlier runs that died before their clean-up."""
    for line in _run("ip", "netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.strip() else ""
        match = _NAME.match(name)
        if match and not _pid_alive(int(match.group(1))):
            _run("ip", "netns", "del", name, check=False)
    iptables = iptables_command()
    for line in _run(iptables, "-w", "-S", check=False).stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "-N":
            match = _CHAIN.match(parts[1])
            if match and not _pid_alive(int(match.group(1))):
                _drop_chain(iptables, parts[1])


def _subnets_in_use() -> set[int]:
    out = _run("ip", "-o", "-4", "addr", "show", check=False).stdout
    return {int(m.group(1)) for m in re.finditer(rf"inet {re.escape(PREFIX)}\.(\d+)\.\d+/", out)}


class IsolatedHost:
    """A machine of its own on the test network: a netns behind a veth that a test can cut.

    with IsolatedHost() as host:
        browser = pw.chromium.launch(executable_path=host.browser_executable(), args=...)
        page.goto(asgi_server.url_for(host.gateway) + "/healthz")
        host.cut(); ...; host.restore()
    """

    def __init__(self, chromium: str = CHROMIUM):
        global _counter
        _counter += 1
        self.pid, self.seq, self.chromium = os.getpid(), _counter, chromium
        self.netns = f"cvs-{self.pid}-{self.seq}"
        self.veth_host = f"cvh{self.pid}-{self.seq}"   # at most 15 characters (IFNAMSIZ)
        self.veth_peer = f"cvp{self.pid}-{self.seq}"
        self.chain = f"CVS-{self.pid}-{self.seq}"
        self.subnet: int | None = None
        self.is_cut = False
        self._tmp: str | None = None
        self._iptables = ""
        self._jumps: list[list[str]] = []
        self._created: list[str] = []

    # -- addresses ---------------------------------------------------------------------
    @property
    def gateway(self) -> str:
        """This machine as the host sees it: the root-namespace end of the veth."""
        return f"{PREFIX}.{self.subnet}.1"

    @property
    def address(self) -> str:
        """The host's own address, inside its namespace."""
        return f"{PREFIX}.{self.subnet}.2"

    # -- life cycle ----------------------------------------------------------------------
    def __enter__(self) -> IsolatedHost:
        self.create()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def create(self) -> IsolatedHost:
        ok, reason = can_isolate()
        if not ok:
            raise NetworkSetupError(reason)
        self._iptables = iptables_command()
        try:
            LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
            with open(LOCK_FILE, "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                sweep_leftovers()
                used = _subnets_in_use()
                free = [n for n in range(1, 255) if n not in used]
                if not free:
                    raise NetworkSetupError(f"no free {PREFIX}.<n>.0/30 left for a test host")
                self.subnet = free[0]
                self._create_links()
            self._create_rules()
        except BaseException:
            self.close()
            raise
        return self

    def _create_links(self) -> None:
        net = ipaddress.ip_network(f"{PREFIX}.{self.subnet}.0/30")
        _run("ip", "netns", "add", self.netns)
        self._created.append("netns")
        _run("ip", "link", "add", self.veth_host, "type", "veth", "peer", "name", self.veth_peer)
        self._created.append("veth")
        _run("ip", "link", "set", self.veth_peer, "netns", self.netns)
        # Only IPv4 crosses the link, so the IPv4 rules of cut() take all of it away.
        _run("sysctl", "-q", "-w", f"net.ipv6.conf.{self.veth_host}.disable_ipv6=1", check=False)
        _run("ip", "netns", "exec", self.netns, "sysctl", "-q", "-w",
             "net.ipv6.conf.all.disable_ipv6=1", check=False)
        _run("ip", "addr", "add", f"{self.gateway}/{net.prefixlen}", "dev", self.veth_host)
        _run("ip", "link", "set", self.veth_host, "up")
        _run("ip", "-n", self.netns, "addr", "add", f"{self.address}/{net.prefixlen}",
             "dev", self.veth_peer)
        _run("ip", "-n", self.netns, "link", "set", "lo", "up")
        _run("ip", "-n", self.netns, "link", "set", self.veth_peer, "up")
        _run("ip", "-n", self.netns, "route", "add", "default", "via", self.gateway)

    def _create_rules(self) -> None:
        # A chain of the host's own, jumped to for everything on its veth: cut() puts one
        # DROP in it, restore() empties it, and clean-up deletes exactly these rules.
        ipt = self._iptables
        _run(ipt, "-w", "-N", self.chain)
        self._created.append("chain")
        tag = ["-m", "comment", "--comment", f"{COMMENT} {self.netns}"]
        for rule in (["INPUT", "-i", self.veth_host], ["OUTPUT", "-o", self.veth_host],
                     ["FORWARD", "-i", self.veth_host], ["FORWARD", "-o", self.veth_host]):
            _run(ipt, "-w", "-I", rule[0], "1", *rule[1:], *tag, "-j", self.chain)
            self._jumps.append([*rule, *tag, "-j", self.chain])

    def close(self) -> None:
        """Remove the rules, the veth and the namespace; safe to call more than once."""
        ipt = self._iptables or (iptables_command() if "chain" in self._created else "")
        for rule in self._jumps:
            _run(ipt, "-w", "-D", *rule, check=False)
        self._jumps.clear()
        if "chain" in self._created:
            _run(ipt, "-w", "-F", self.chain, check=False)
            _run(ipt, "-w", "-X", self.chain, check=False)
        if "veth" in self._created:
            _run("ip", "link", "del", self.veth_host, check=False)
        if "netns" in self._created:
            _run("ip", "netns", "del", self.netns, check=False)
        self._created.clear()
        self.is_cut = False
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    # -- what a test does with it ----------------------------------------------------------
    def cut(self) -> None:
        """Drop every packet to and from the host (its TCP and UDP, WebRTC included)."""
        if not self.is_cut:
            _run(self._iptables, "-w", "-A", self.chain, "-j", "DROP")
            self.is_cut = True

    def restore(self) -> None:
        if self.is_cut:
            _run(self._iptables, "-w", "-F", self.chain)
            self.is_cut = False

    def exec_command(self, *cmd: str) -> list[str]:
        """The argv that runs `cmd` inside the host's namespace."""
        return [_tool("ip") or "ip", "netns", "exec", self.netns, *cmd]

    def browser_executable(self) -> str:
        """A script that starts Chromium inside the namespace, for launch(executable_path=...).

        Playwright talks to Chromium over a pipe (fds 3 and 4), which `ip netns exec` passes
        on untouched, so the browser is driven as usual while its network is the host's.
        """
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix=f"{self.netns}-")
        script = Path(self._tmp) / "chromium"
        if not script.exists():
            argv = " ".join(f'"{a}"' for a in self.exec_command(self.chromium))
            script.write_text(f'#!/bin/sh\nexec {argv} "$@"\n')
            script.chmod(0o755)
        return str(script)

    def __repr__(self) -> str:
        return f"<IsolatedHost {self.netns} {self.address} via {self.gateway}{' CUT' if self.is_cut else ''}>"
