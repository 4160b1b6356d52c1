"""What a web worker computed for a project, kept in its memory with the key it is valid for.

The key is whatever says the value is still current (a version number the database's triggers
keep, see rapport/lib/version_triggers.py, with the minute or other inputs): a value is returned
only for the same key, so nothing has to remember to forget it. Beyond ``size`` projects the
least recently used is dropped. Values are shared between requests: treat them as read-only.
Used by rapport/raci/matrix_cache.py and rapport/status/health_kept.py.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class KeptPerProject:
    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[int, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()  # a worker's threads share one instance

    def get(self, project_id: int, key: Hashable) -> Any | None:
        """The value kept for this project under this key, or None."""
        with self._lock:
            kept = self._values.get(project_id)
            if kept is None or kept[0] != key:
                return None
            self._values.move_to_end(project_id)
            return kept[1]

    def keep(self, project_id: int, key: Hashable, value: Any) -> None:
        with self._lock:
            self._values[project_id] = (key, value)
            self._values.move_to_end(project_id)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
