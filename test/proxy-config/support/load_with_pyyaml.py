"""Loads each file named on the command line with yaml.safe_load, as LiteLLM
does, and prints one JSON line per file with the value in a form that the
TypeScript side can compare (dates as ISO strings in UTC, floats that JSON
cannot hold as tagged strings)."""

import json
import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyyaml_normalize import normalize  # noqa: E402


for path in sys.argv[1:]:
    try:
        with open(path, "r", encoding="utf-8") as handle:
            loaded = yaml.safe_load(handle)
        print(json.dumps({"file": path, "ok": True, "value": normalize(loaded)}))
    except Exception as error:  # every refusal counts, whatever its class
        mark = getattr(error, "problem_mark", None)
        print(
            json.dumps(
                {
                    "file": path,
                    "ok": False,
                    "error": str(error).splitlines()[-1] if str(error) else repr(error),
                    "line": mark.line + 1 if mark else None,
                }
            )
        )
