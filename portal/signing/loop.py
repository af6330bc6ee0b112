"""pyHanko's synchronous API runs its async core with `asyncio.run`, which refuses to start inside a thread
that already runs an event loop (an async server, or Playwright's sync API in the same test process).
Such calls go to a short-lived worker thread instead; elsewhere they run directly."""
import asyncio
from concurrent.futures import ThreadPoolExecutor


def outside_event_loop(function, /, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(function, *args, **kwargs).result()
