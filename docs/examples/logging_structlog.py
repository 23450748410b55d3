"""docs/logging.md: an application that logs with structlog gets playhead's lines as key/values.

tests/test_logging_host.py runs this file as a program and reads its JSON lines on stderr.
"""

# --8<-- [start:recipe]
import logging

import structlog

shared = [
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso"),
]
# The application's own structlog loggers go through the stdlib too...
structlog.configure(
    processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)
# ...and one formatter renders both: ExtraAdder brings back playhead's fields as key/values.
handler = logging.StreamHandler()  # stderr
handler.setFormatter(
    structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(),  # or structlog.dev.ConsoleRenderer()
        ],
    )
)
logging.getLogger().addHandler(handler)
logging.getLogger().setLevel(logging.INFO)
# --8<-- [end:recipe]

import playhead

structlog.get_logger("app").info("app_started", version="1.0")
tracker = playhead.Tracker(playhead.MemoryTransport(), user_id="u1", clock=playhead.FakeClock())
session = tracker.session(content=[{"asset_id": "ep1", "total_length": 600}])
session.pause()  # before play: playhead logs callback_ignored
