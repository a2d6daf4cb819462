"""store/signals.py: the plain-Python notifications the workspace and the engine emit."""

import pytest

from umcr_console.store.signals import Signal


def test_every_listener_hears_each_value_in_the_order_connected() -> None:
    signal: Signal[int] = Signal("counts")
    heard: list[tuple[str, int]] = []
    signal.connect(lambda v: heard.append(("a", v)))
    signal.connect(lambda v: heard.append(("b", v)))
    signal.emit(1)
    signal.emit(2)
    assert heard == [("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    assert len(signal) == 2


def test_connect_returns_the_callback_so_it_serves_as_a_decorator() -> None:
    signal: Signal[str] = Signal()
    heard: list[str] = []

    @signal.connect
    def listener(value: str) -> None:
        heard.append(value)

    signal.emit("x")
    assert heard == ["x"]
    assert listener("y") is None and heard == ["x", "y"]


def test_a_disconnected_listener_hears_nothing_more() -> None:
    signal: Signal[int] = Signal()
    heard: list[int] = []
    signal.connect(heard.append)
    signal.emit(1)
    signal.disconnect(heard.append)
    signal.emit(2)
    assert heard == [1]
    assert len(signal) == 0
    with pytest.raises(ValueError):
        signal.disconnect(heard.append)  # never silently: it was not connected


def test_a_failing_listener_does_not_stop_the_others_and_its_error_is_raised() -> None:
    signal: Signal[int] = Signal()
    heard: list[str] = []

    def first(value: int) -> None:
        heard.append("first")
        raise RuntimeError("first broke")

    def second(value: int) -> None:
        heard.append("second")
        raise KeyError("second broke")

    signal.connect(first)
    signal.connect(second)
    signal.connect(lambda v: heard.append("third"))
    with pytest.raises(RuntimeError, match="first broke"):
        signal.emit(0)
    assert heard == ["first", "second", "third"]


def test_a_listener_may_disconnect_itself_while_the_signal_is_emitted() -> None:
    signal: Signal[int] = Signal()
    heard: list[str] = []

    def once(value: int) -> None:
        heard.append("once")
        signal.disconnect(once)

    signal.connect(once)
    signal.connect(lambda v: heard.append("always"))
    signal.emit(1)
    signal.emit(2)
    assert heard == ["once", "always", "always"]


def test_the_repr_names_the_signal_and_its_listeners() -> None:
    signal: Signal[int] = Signal("teams_changed")
    signal.connect(print)
    assert repr(signal) == "<Signal teams_changed with 1 listener(s)>"
    assert repr(Signal()) == "<Signal ? with 0 listener(s)>"
