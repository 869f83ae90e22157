"""Schemathesis' CLI with one ``ast.parse`` at a time (the schema fuzz runs ``st`` through this).

CPython 3.11 keeps the AST constructor's recursion depth in state shared by the whole interpreter.
When two of schemathesis' worker threads parse at once (Hypothesis parses a lambda's source to
describe it), one of them can fail with ``SystemError: AST constructor recursion depth mismatch``,
an error in neither our API nor the fuzz. CI's PostgreSQL run hit it once with ``--workers 2``.
A lock around ``ast.parse`` keeps the two workers and removes the race.
"""

import ast
import sys
import threading

from schemathesis.cli import schemathesis

_parse = ast.parse
_one_at_a_time = threading.Lock()


def _parse_alone(*args, **kwargs):
    with _one_at_a_time:
        return _parse(*args, **kwargs)


if __name__ == "__main__":
    ast.parse = _parse_alone
    sys.exit(schemathesis())
