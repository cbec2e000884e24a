"""The state-machine helper (safety/core/transitions.py) as a table: every action from every state, which hooks
run, and the refusal it raises."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from safety.core.transitions import Machine, Transition
from safety.errors import Conflict

# A ticket: open → closed (by close), closed → open (by reopen), open → open (by touch, a self-loop).
TABLE = {"close": Transition({"open"}, "closed"), "reopen": Transition(["closed"], "open"),
         "touch": Transition({"open"}, "open"), "drop": Transition({"open", "closed"}, "gone")}
# Which actions each state allows, and where they lead: written out, not read from the table.
EXPECTED = {("open", "close"): "closed", ("open", "touch"): "open", ("open", "drop"): "gone",
            ("closed", "reopen"): "open", ("closed", "drop"): "gone"}


def _machine(log: list) -> Machine:
    return Machine("state", TABLE,
                   on_enter={"closed": lambda t: log.append(("enter closed", t.state)),
                             "open": lambda t: log.append(("enter open", t.state))},
                   on_exit={"closed": lambda t: log.append(("exit closed", t.state)),
                            "open": lambda t: log.append(("exit open", t.state))},
                   refusal=lambda state, action: f"{state} cannot {action}")


@pytest.mark.parametrize("state", ["open", "closed", "gone"])
@pytest.mark.parametrize("action", list(TABLE))
def test_every_action_from_every_state(state, action):
    log, ticket = [], SimpleNamespace(state=state)
    machine = _machine(log)
    assert machine.allows(state, action) == ((state, action) in EXPECTED)
    if (state, action) in EXPECTED:
        assert machine.fire(ticket, action) == state
        assert ticket.state == EXPECTED[state, action]
    else:
        with pytest.raises(Conflict) as refused:
            machine.fire(ticket, action)
        assert (refused.value.status, refused.value.code, refused.value.message) == (
            409, "wrong_state", f"{state} cannot {action}")
        assert ticket.state == state and log == []


HOOKS = [  # (from, action, hooks run in order, each seeing the state at its moment)
    ("open", "close", [("exit open", "open"), ("enter closed", "closed")]),
    ("closed", "reopen", [("exit closed", "closed"), ("enter open", "open")]),
    ("open", "touch", []),  # a self-loop neither leaves nor enters
    ("closed", "drop", [("exit closed", "closed")]),  # "gone" has no entry hook
]


@pytest.mark.parametrize(("state", "action", "hooks"), HOOKS)
def test_exit_hook_before_the_move_entry_hook_after(state, action, hooks):
    log = []
    _machine(log).fire(SimpleNamespace(state=state), action)
    assert log == hooks


def test_actions_from_a_state_and_a_refusal_without_a_message():
    machine = Machine("state", TABLE)
    assert sorted(machine.actions_from("open")) == ["close", "drop", "touch"]
    assert machine.actions_from("gone") == []
    with pytest.raises(Conflict) as refused:
        machine.fire(SimpleNamespace(state="gone"), "close")
    assert refused.value.code == "wrong_state" and str(refused.value.message) == str(Conflict.default_message)


def test_an_action_the_table_does_not_name_is_refused_like_a_wrong_state():
    """A client may ask for any status (an incident's move is named by the status wanted): one the table has no
    move to is the 409, never a KeyError."""
    machine, ticket = _machine([]), SimpleNamespace(state="open")
    assert not machine.allows("open", "received")
    with pytest.raises(Conflict) as refused:
        machine.require("open", "received")
    assert str(refused.value.message) == "open cannot received"
    with pytest.raises(Conflict):
        machine.fire(ticket, "received")
    assert ticket.state == "open"
