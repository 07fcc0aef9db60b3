"""``python -m iclient_web``: the ``iclient`` command (how ``serve`` starts its worker)."""

from iclient_web.cli import main

main()
