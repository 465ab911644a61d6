"""One run's Cognito Sync clients, one per region and endpoint, each built on first use by the
worker thread whose call needs it: client setup (boto3's import, a botocore session, the
credentials) runs inside the run's deadline and margin, never before the run's clock starts."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..core.errors import BulkPublishGateError, CancelledError
from .settings import ClientSettings


class Clients:
    """Builds each client once, when a call first needs it, and closes every one it built; a
    client whose setup outlives the run is closed as soon as it is built."""

    def __init__(self, build: Callable[[ClientSettings], Any]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._made: dict[ClientSettings, Any] = {}
        self._building: dict[ClientSettings, threading.Lock] = {}
        """One lock per client: the calls that need it while it is set up wait for it."""
        self._closed = False

    def get(self, settings: ClientSettings) -> Any:
        """The client of `settings`, built now by the first call that needs it; one that cannot
        be built stands for its error (each of its calls raises it)."""
        with self._lock:
            if settings in self._made:
                return self._made[settings]
            setting_up = self._building.setdefault(settings, threading.Lock())
        with setting_up:
            with self._lock:
                if settings in self._made:
                    return self._made[settings]
            client = self._built(settings)
            with self._lock:
                late = self._closed
                if not late:
                    self._made[settings] = client
        if late:
            client.close()
            raise CancelledError(f"the run ended while the client for {settings.region} was set up")
        return client

    def unfinished(self, settings: ClientSettings) -> bool:
        """The setup of this client began and had not finished when the run closed."""
        with self._lock:
            return settings in self._building and settings not in self._made

    def close(self) -> None:
        """Release every client built so far; one still being set up is released when done."""
        with self._lock:
            self._closed = True
            made = list(self._made.values())
        for client in made:
            client.close()

    def _built(self, settings: ClientSettings) -> Any:
        try:
            return self._build(settings)
        except BulkPublishGateError as error:
            return _Unusable(error)


class _Unusable:
    """Stands for a client that could not be built: each call raises why."""

    def __init__(self, error: BulkPublishGateError) -> None:
        self.error = error

    def get_bulk_publish_details(self, _pool: str) -> Any:
        raise self.error

    bulk_publish = get_bulk_publish_details

    def close(self) -> None:
        """Nothing to release."""
