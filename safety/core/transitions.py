"""A state machine as data: which action moves an object from which states to which, and what happens when
the object enters or leaves a state.

Hooks keep a state's own bookkeeping with the state, so no action can forget it: entering "closed" stamps
`closed_at`, leaving it clears the stamp, whichever action leaves. A self-loop (assigned → assigned) is no
entry or exit and runs no hook. A wrong state is the project's 409 conflict (`wrong_state`).

    machine = Machine("status", {"close": Transition({"open"}, "closed")},
                      on_enter={"closed": stamp}, on_exit={"closed": unstamp}, refusal=message)
    before = machine.fire(ticket, "close")
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import Conflict

Hook = Callable[[Any], None]


@dataclass(frozen=True, init=False)
class Transition:
    sources: frozenset
    target: Hashable
    label: Any = None  # what the history calls the action (a lazy string), kept with the transition it names

    def __init__(self, sources: Iterable[Hashable], target: Hashable, label: Any = None):
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "label", label)


class Machine:
    def __init__(self, field: str, transitions: Mapping[str, Transition], *,
                 on_enter: Mapping[Hashable, Hook] | None = None, on_exit: Mapping[Hashable, Hook] | None = None,
                 refusal: Callable[[Hashable, str], str] | None = None):
        self.field, self.transitions = field, dict(transitions)
        self.on_enter, self.on_exit = dict(on_enter or {}), dict(on_exit or {})
        self.refusal = refusal

    def allows(self, state: Hashable, action: str) -> bool:
        """Whether `action` may start from `state`; an action the table does not name starts nowhere."""
        transition = self.transitions.get(action)
        return transition is not None and state in transition.sources

    def actions_from(self, state: Hashable) -> list[str]:
        return [action for action in self.transitions if self.allows(state, action)]

    def require(self, state: Hashable, action: str) -> None:
        """Conflict(code="wrong_state") when `action` cannot start from `state` (before other checks run)."""
        if not self.allows(state, action):
            raise Conflict(self.refusal(state, action) if self.refusal else None, code="wrong_state")

    def fire(self, obj: Any, action: str) -> Hashable:
        """Move `obj` by `action` (exit hook of the old state, then the new state, then its entry hook);
        returns the state it left. Raises Conflict(code="wrong_state") when `action` cannot start there."""
        before = getattr(obj, self.field)
        if not self.allows(before, action):  # raised here, not in require(): the OpenAPI plugin reads this body
            raise Conflict(self.refusal(before, action) if self.refusal else None, code="wrong_state")
        target = self.transitions[action].target
        if target != before and (leave := self.on_exit.get(before)):
            leave(obj)
        setattr(obj, self.field, target)
        if target != before and (enter := self.on_enter.get(target)):
            enter(obj)
        return before
