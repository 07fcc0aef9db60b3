"""Password hashing on passlib's ``CryptContext`` (installed as the maintained ``libpass``).

argon2id is the default, with parameters above OWASP's minimum (m=19 MiB, t=2, p=1).
bcrypt hashes (from an older system) still verify and are upgraded at the next sign-in.

passlib and argon2 are loaded at the first hash or verification, not when the portal starts.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from passlib.context import CryptContext

OWASP_MEMORY_KIB = 19 * 1024

_ZERO_SALT = "A" * 22  # 16 zero bytes, as argon2's unpadded base64
_ZERO_DIGEST = "A" * 43  # 32 zero bytes


class PasslibHasher:
    """The ``PasswordHasher`` port on passlib.

    Args:
        memory_kib: argon2 memory cost; defaults to 19 MiB (OWASP's minimum).
        time_cost: argon2 iterations (at least 2).
        parallelism: argon2 lanes.
    """

    def __init__(
        self, *, memory_kib: int = OWASP_MEMORY_KIB, time_cost: int = 2, parallelism: int = 1
    ) -> None:
        self._settings = {
            "argon2__type": "ID",
            "argon2__memory_cost": memory_kib,
            "argon2__time_cost": time_cost,
            "argon2__parallelism": parallelism,
        }
        self._built: CryptContext | None = None
        self._lock = threading.Lock()
        # A well-formed argon2id hash at the same parameters that no password matches:
        # verifying against it costs what verifying against a real hash costs.
        self._dummy = (
            f"$argon2id$v=19$m={memory_kib},t={time_cost},p={parallelism}"
            f"${_ZERO_SALT}${_ZERO_DIGEST}"
        )

    @property
    def _context(self) -> CryptContext:
        """passlib's context, built (and passlib loaded) at the first use."""
        context = self._built
        if context is None:
            with self._lock:
                if self._built is None:
                    from passlib.context import CryptContext

                    self._built = CryptContext(
                        schemes=["argon2", "bcrypt"],
                        default="argon2",
                        deprecated=["bcrypt"],
                        **self._settings,
                    )
                context = self._built
        return context

    def hash(self, password: str) -> str:
        """An argon2id hash of ``password``."""
        return self._context.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        """True when ``password`` matches; False also for unreadable hashes."""
        try:
            return bool(self._context.verify(password, hashed))
        except (ValueError, TypeError):
            return False

    def needs_update(self, hashed: str) -> bool:
        """True for bcrypt hashes and argon2 hashes with weaker parameters than now."""
        try:
            return bool(self._context.needs_update(hashed))
        except (ValueError, TypeError):
            return True

    def dummy_verify(self) -> None:
        """Verify against a fixed hash, so unknown accounts take as long as known ones."""
        self._context.verify("not the password", self._dummy)
