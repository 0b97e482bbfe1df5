"""Errors from the graph layer that a user can act on (kept free of heavy imports: the CLI loads this
module on every run)."""


class StoreError(RuntimeError):
    """A failure of the shared store, in one line (server down, wrong password, unknown database...)."""


class StoreSettingError(StoreError):
    """A connection setting the user must change (a URI the driver cannot use, no password): exit 2."""
