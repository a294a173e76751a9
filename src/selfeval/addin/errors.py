"""The one error type of the add-in room; its message is Chinese, for the user."""


class AddinError(Exception):
    """Building, installing or removing the add-in failed; str(error) says why, in Chinese."""
