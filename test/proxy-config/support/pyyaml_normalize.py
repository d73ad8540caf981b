"""Values loaded by PyYAML in a form the TypeScript side can compare: dates
as ISO strings in UTC, floats that JSON cannot hold as tagged strings."""

import base64
import datetime
import math


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
