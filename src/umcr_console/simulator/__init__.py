"""A simulated floor: call-takers, a dispatcher and field teams (docs/simulator.md).

It drives a server only through the public HTTP API (``runner.simulate``,
``umcr-server simulate``), or runs the same model on an in-memory state for
calibration (``calibration.calibrate``). Modules:

- ``params``, ``profile``: the numbers and where they come from;
- ``calls``, ``places``: what a call is and where it happens;
- ``engine``: the simulator itself, on any ``floor.Floor``;
- ``http``: the server's floor; ``pacing``: simulated vs real time;
- ``runner``: run against a server, in this loop or a thread; ``cli``: the command.

Nothing is imported here, so ``umcr-server serve`` does not load the simulator.
"""
