"""The project lifecycle: which state may follow which. Pure logic, no database."""

# proposed -> active -> completed, with on-hold pauses and cancellation from any open state.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("active", "cancelled"),
    "active": ("on_hold", "completed", "cancelled"),
    "on_hold": ("active", "cancelled"),
    "completed": ("active",),  # reopened when the customer finds the outcome is not there yet
    "cancelled": ("proposed",),
}


def next_states(state: str) -> tuple[str, ...]:
    return TRANSITIONS.get(state, ())


def state_change_allowed(current: str, new: str) -> bool:
    return new == current or new in next_states(current)
