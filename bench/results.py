"""The measurements of every run, kept in build/bench/results.json, one entry per metric.

A run of some metrics (`--only`) replaces those metrics' entries and keeps the others, and a
run of some frameworks (`--framework`) replaces their figures within an entry measured on
the same interpreter, so docs/benchmarks.md (`--doc`) can be written from the latest figure
of each (each entry says when and on what it was measured).
"""

import json
import os
import time

from . import env


def load():
    try:
        with open(env.RESULTS) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save(name, data):
    """Store metric `name`'s result (a dict) with the time it was measured."""
    all_ = load()
    data = dict(data, measured_at=time.strftime("%Y-%m-%d %H:%M"))
    old = all_.get(name) or {}
    if "frameworks" in data and old.get("runtime") == data.get("runtime"):
        # A run of some frameworks (--framework) keeps the others' figures from before.
        merged = dict(old.get("frameworks") or {})
        merged.update(data["frameworks"])
        data["frameworks"] = merged
    all_[name] = data
    os.makedirs(env.OUT, exist_ok=True)
    with open(env.RESULTS, "w") as f:
        json.dump(all_, f, indent=1, sort_keys=True)
    return data
