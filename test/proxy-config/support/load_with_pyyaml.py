"""Loads each file named on the command line with yaml.safe_load, as LiteLLM
does, and prints one JSON line per file with the value in a form that the
TypeScript side can compare (dates as ISO strings in UTC, floats that JSON
cannot hold as tagged strings)."""

import base64
import datetime
import json
import math
import sys

import yaml


def normalize(value):
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "nan"}
        if math.isinf(value):
            return {"$float": "inf" if value > 0 else "-inf"}
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        millis = value.microsecond // 1000
        return {"$date": value.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % millis}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat() + "T00:00:00.000Z"}
    if isinstance(value, bytes):
        return {"$binary": base64.b64encode(value).decode()}
    if isinstance(value, (set, frozenset)):
        return {"$set": sorted(key_string(item) for item in value)}
    if isinstance(value, (list, tuple)):
        return [normalize(item) for item in value]
    if isinstance(value, dict):
        return {key_string(key): normalize(item) for key, item in value.items()}
    return {"$unknown": repr(value)}


def key_string(key):
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (datetime.date, datetime.datetime)):
        return normalize(key)["$date"]
    if isinstance(key, float) and key == int(key):
        return str(int(key))
    return str(key)


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
