"""The API's quotes."""

from __future__ import annotations
