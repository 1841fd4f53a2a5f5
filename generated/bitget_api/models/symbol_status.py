from typing import Literal

SymbolStatus = Literal["gray", "halt", "offline", "online"]

SYMBOL_STATUS_VALUES: set[SymbolStatus] = {
    "gray",
    "halt",
    "offline",
    "online",
}


def check_symbol_status(value: str) -> SymbolStatus:
    if value in SYMBOL_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SYMBOL_STATUS_VALUES!r}"
    )
