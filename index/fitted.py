"""The data files Dossier ships (``index/data``) and the files a user points a setting at (``ANSWERABILITY_MODEL``,
``EVIDENCE_RANKER``, ``CONCEPTS_FILE``): read, checked, and refused in one line naming the setting."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from index.errors import BadDataFile

T = TypeVar("T")


def load(path: str | Path | None, shipped: str, build: Callable[[dict[str, Any]], T], setting: str) -> T:
    """``build`` applied to the JSON object at ``path`` (given by ``setting``), or to the shipped ``data/<shipped>``
    when no path is given. ``build`` raises ValueError (or KeyError / TypeError on a missing or wrong field) for an
    object it cannot use."""
    where = f"{setting}={path}" if path else f"the shipped data/{shipped}"
    try:
        text = (
            Path(path).read_text(encoding="utf-8")
            if path
            else resources.files("index").joinpath("data", shipped).read_text(encoding="utf-8")
        )
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
        return build(raw)
    except OSError as exc:
        raise BadDataFile(f"cannot read {where}: {exc.strerror or exc}") from exc
    except KeyError as exc:
        raise BadDataFile(f"{where} is not usable: it has no {exc}") from exc
    except (ValueError, TypeError) as exc:
        raise BadDataFile(f"{where} is not usable: {exc}") from exc
