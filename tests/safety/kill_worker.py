"""The kill tests' fork server: imports RaSoat once, then for each command forks a child that does
one piece of real work (tests/safety/kill_ops.py) and kills it with SIGKILL after the given
delay, as a flat battery or a pulled plug would. Forking skips the interpreter's start-up, so
hundreds of kills take seconds.

Protocol, one JSON object per line: in {"op": ..., "kill_after": seconds or null, ...};
out {"killed": bool, "exit": int or null, "seconds": float}.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback


def serve() -> None:
    from models.migrate import head_revision
    from tests.safety import kill_ops  # the imports every child shares

    head_revision()  # read the migration scripts once, before forking

    for line in sys.stdin:
        command = json.loads(line)
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                kill_ops.run(command)
            except BaseException:
                traceback.print_exc()
                code = 3
            os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
        delay = command.get("kill_after")
        if delay is not None:
            time.sleep(delay)
            # A child that finished already is a zombie until waited for: its pid cannot have
            # been reused, so this never hits another process.
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        reply = {
            "killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
            "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "seconds": time.perf_counter() - start,
        }
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    serve()
