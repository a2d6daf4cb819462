"""Expansion planning: how many teams each service area needs, and what they cost.

Pure (no Qt, SQL or HTTP; an import-linter contract says so). Modules:

- ``erlang``: Erlang B and C, M/M/c and M/G/c (Allen-Cunneen), numerically stable;
- ``model``: one queue per service area and hour of week, shifts, targets,
  the inverse (fewest teams meeting a target) and the yearly cost;
- ``history``: the model's inputs from past incidents (``domain.reports`` data);
- ``scenarios``: the division sets (pilot, the funded nine, citywide), their
  service areas, and the "pilot's per-division rate" scenario;
- ``simcheck``: the model against the simulator's pure path.

docs/planning.md explains the model, its assumptions and a worked example.
"""
