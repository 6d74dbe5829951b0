"""How many CPUs this process may use (its affinity, capped by a cgroup CPU quota) and how many threads a model
runs per calling thread."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)
_chosen = threading.local()  # use_threads' count, per thread


def cores(cgroup: Path = Path("/sys/fs/cgroup"), own: Path = Path("/proc/self/cgroup")) -> int:
    """CPUs this process may run on: its CPU affinity, capped by a CPU quota on its cgroup or above it
    (``docker run --cpus 1`` leaves every host core in the affinity; threads beyond the quota only wait)."""
    affinity = getattr(os, "sched_getaffinity", None)
    count = len(affinity(0)) if affinity else os.cpu_count() or 1
    quota = cpu_quota(cgroup, own)
    # To the nearest whole CPU: a second thread makes good use of 1.9 CPUs' quota, at 1.2 it mostly waits.
    return max(1, min(count, int(quota + 0.5))) if quota is not None else count


def cpu_quota(cgroup: Path, own: Path) -> float | None:
    """The smallest CPU quota, in CPUs, from this process's cgroup (read from ``own``, /proc/self/cgroup) up to the
    root: cgroup v2 ``cpu.max``, v1 ``cpu.cfs_quota_us``; None when none is set."""
    paths = _cgroup_paths(own)
    found = [q for folder in _upwards(cgroup, paths.get("", "/")) if (q := _v2_quota(folder)) is not None]
    for mount in ("cpu", "cpu,cpuacct"):
        upwards = _upwards(cgroup / mount, paths.get("cpu", "/"))
        found += [q for folder in upwards if (q := _v1_quota(folder)) is not None]
    return min(found, default=None)


def _cgroup_paths(own: Path) -> dict[str, str]:
    """{"": v2 path, "cpu": v1 cpu controller's path} from /proc/self/cgroup lines such as ``0::/a`` or
    ``4:cpu,cpuacct:/b``."""
    try:
        lines = own.read_text().splitlines()
    except OSError:
        return {}
    paths: dict[str, str] = {}
    for line in lines:
        _, controllers, path = [*line.split(":", 2), "", ""][:3]
        if controllers == "":
            paths[""] = path
        elif "cpu" in controllers.split(","):
            paths["cpu"] = path
    return paths


def _upwards(root: Path, path: str) -> list[Path]:
    parts = [p for p in path.split("/") if p not in ("", ".", "..")]
    return [root.joinpath(*parts[:n]) for n in range(len(parts), -1, -1)]


def _v2_quota(folder: Path) -> float | None:
    try:
        fields = (folder / "cpu.max").read_text().split()
    except OSError:
        return None
    try:
        return None if fields[0] == "max" else int(fields[0]) / int(fields[1])
    except (IndexError, ValueError, ZeroDivisionError):
        log.debug("unreadable %s: %s", folder / "cpu.max", fields)
        return None


def _v1_quota(folder: Path) -> float | None:
    try:
        quota, period = (int((folder / name).read_text()) for name in ("cpu.cfs_quota_us", "cpu.cfs_period_us"))
    except OSError:
        return None
    except ValueError:
        log.debug("unreadable CPU quota in %s", folder)
        return None
    return quota / period if quota > 0 and period > 0 else None


def use_threads(count: int) -> None:
    """How many threads the calling thread's model runs may use: an import ``count``, a question one. Several
    question threads each running a team of threads would spin against each other on the cores. ONNX Runtime runs
    that many texts at once (``threads``); torch takes it as its intra-op threads (``torch_threads``)."""
    _chosen.count = count


def threads() -> int:
    """The calling thread's ``use_threads`` count; this process's cores where it set none."""
    return int(getattr(_chosen, "count", 0)) or cores()


def torch_threads() -> None:
    """Torch's intra-op threads for the calling thread set to ``threads()`` (torch and OpenMP keep the setting per
    thread). Called where torch runs, so that a process that runs only ONNX Runtime never imports torch."""
    import torch

    count = threads()
    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
